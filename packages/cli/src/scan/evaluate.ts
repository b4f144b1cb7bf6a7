import { toIngestedEvent } from '@aisaws/core/events';
import { decide, levelFor, type Policy } from '@aisaws/core/policy';
import type { BaselineStore, InMemoryBaselineStore } from '@aisaws/core/ports';
import {
  CloudTrailRecordSchema,
  type Decision,
  type DetectionHit,
  type EventSummary,
  type IngestedEvent,
  type RiskAssessment,
  RiskAssessmentSchema,
} from '@aisaws/core/schemas';
import { DEFAULT_WEIGHTS, observationOf, type Scorer, scoreSync } from '@aisaws/core/scoring';
import type { z } from 'zod';
import type { ScanError, ScanResult } from './scan-result.js';
import {
  type CandidateItem,
  describeIssues,
  type InputErrorItem,
  type InputLocation,
  REPORT_INPUT,
} from './unwrap.js';

/** Scores one event synchronously (the default model over an in-memory baseline): no promise per event. */
type SyncScorer = (event: IngestedEvent) => RiskAssessment;

interface EvaluatorDeps {
  /** A custom scorer, called through the async Scorer contract. */
  readonly scorer: Scorer;
  readonly baseline: BaselineStore;
  /** When set, used instead of `scorer` (same model, same baseline, without the async hop). */
  readonly scoreSync?: SyncScorer;
  readonly policy: Policy;
  /** `receivedAt` of every event of this scan (the scan's start). */
  readonly receivedAt: string;
  /** decidedAt of every decision (the scan's start; avoids a Date per event). */
  readonly now: Date;
}

/** A scored and decided event: the output line plus what the table and SARIF writers need beyond it. */
interface EventEvaluation {
  readonly kind: 'result';
  readonly result: ScanResult;
  readonly hits: readonly DetectionHit[];
  readonly decision: Decision;
  /** Who did what, where and when (the OCSF writer reads it). */
  readonly summary: EventSummary;
}

/** A bad input, as written to the output. */
interface ErrorEvaluation {
  readonly kind: 'error';
  readonly error: ScanError;
}

type Evaluation = EventEvaluation | ErrorEvaluation;

const stringField = (value: Record<string, unknown>, field: string): string | undefined => {
  const v = value[field];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** An input error item → the output error object (`line` and/or `index`, the file, and the event's ids if known). */
function toScanError(item: InputErrorItem): ScanError {
  const error: ScanError = { error: item.error, file: item.location.file };
  if (item.location.line !== undefined) error.line = item.location.line;
  if (item.location.index !== undefined) error.index = item.location.index;
  if (item.eventId !== undefined) error.eventId = item.eventId;
  if (item.eventName !== undefined) error.eventName = item.eventName;
  return error;
}

/**
 * The scan pipeline for one event, in the order of DESIGN.md §1: parse the record leniently, detect
 * (`toIngestedEvent`), score against the shared baseline, decide with the policy. The stage outputs are built by
 * core's own functions and not re-validated here: `scan` is the hot path, and core's tests own their shapes.
 */
function createEvaluator(deps: EvaluatorDeps): (item: CandidateItem) => Evaluation | Promise<Evaluation> {
  const { scorer, baseline, policy, receivedAt, now, scoreSync } = deps;
  const decideContext = { now };
  const scoringContext = { baseline };
  const ingestOptions = { receivedAt };

  const invalid = (item: CandidateItem, error: z.ZodError): ErrorEvaluation => {
    const eventId = stringField(item.value, 'eventID');
    const eventName = stringField(item.value, 'eventName');
    const errorItem: InputErrorItem = {
      kind: 'error',
      error: `invalid CloudTrail record: ${describeIssues(error)}`,
      location: item.location,
      ...(eventId !== undefined ? { eventId } : {}),
      ...(eventName !== undefined ? { eventName } : {}),
    };
    return { kind: 'error', error: toScanError(errorItem) };
  };

  const finish = (
    ingested: IngestedEvent,
    risk: RiskAssessment,
    location: InputLocation,
  ): EventEvaluation => {
    const decision = decide({ ...ingested, risk }, policy, decideContext);
    const hits = ingested.detections;
    const result: ScanResult = {
      eventId: ingested.eventId,
      eventName: ingested.summary.eventName,
      detections: hits.map((hit) => ({
        id: hit.id,
        severity: hit.severity,
        title: hit.title,
        summary: hit.summary,
      })),
      risk: {
        score: risk.score,
        level: levelFor(risk.score, policy),
        explanation: risk.explanation.map((c) => ({ feature: c.feature, contribution: c.contribution })),
      },
      decision: { action: decision.action, reason: decision.reason },
      source: location,
    };
    return { kind: 'result', result, hits, decision, summary: ingested.summary };
  };

  return (item) => {
    const parsed = CloudTrailRecordSchema.safeParse(item.value, REPORT_INPUT);
    if (!parsed.success) return invalid(item, parsed.error);
    const ingested = toIngestedEvent(parsed.data, ingestOptions);
    if (scoreSync) return finish(ingested, scoreSync(ingested), item.location);
    // A custom scorer is code from outside: its answer is checked against the contract before it is used.
    return scorer
      .score(ingested, scoringContext)
      .then((risk) => finish(ingested, RiskAssessmentSchema.parse(risk), item.location));
  };
}

/**
 * The default model without the promise per event: the same steps as `defaultScorer.score` (observe the baseline,
 * then the logistic model with the committed weights), through the synchronous entry points core provides for
 * loops such as this one.
 */
function createDefaultSyncScorer(baseline: InMemoryBaselineStore): SyncScorer {
  return (event) => scoreSync(event, baseline.observeSync(observationOf(event)), DEFAULT_WEIGHTS);
}

export type { ErrorEvaluation, Evaluation, EvaluatorDeps, EventEvaluation, SyncScorer };
export { createDefaultSyncScorer, createEvaluator, toScanError };
