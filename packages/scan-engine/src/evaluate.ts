import { catalog, type DetectionRegistry } from '@aisaws/core/detections';
import { toIngestedEvent } from '@aisaws/core/events';
import { extractFeatures, quietEventKey, quietFeatureKeyOf } from '@aisaws/core/features';
import { parseFinding, parseFindingEvent, toIngestedEventFromFinding } from '@aisaws/core/findings';
import { decide, levelFor, type Policy, selfRoleArnsOf } from '@aisaws/core/policy';
import type { BaselineObservation, BaselineStore, InMemoryBaselineStore } from '@aisaws/core/ports';
import {
  type CloudTrailRecord,
  CloudTrailRecordSchema,
  type Decision,
  type DetectionHit,
  type EventSummary,
  type IngestedEvent,
  isCloudTrailRecord,
  type RiskAssessment,
  RiskAssessmentSchema,
} from '@aisaws/core/schemas';
import { createRiskMemo, DEFAULT_WEIGHTS, observationOf, type Scorer } from '@aisaws/core/scoring';
import type * as z from 'zod';
import type { ScanError, ScanResult } from './scan-result.js';
import {
  type CandidateItem,
  describeIssues,
  type InputErrorItem,
  type InputLocation,
  REPORT_INPUT,
} from './unwrap.js';

/**
 * Scores one event synchronously (the default model over an in-memory baseline): no promise per event. The
 * baseline observation is the event's own (`observationOf`) unless given (a worker computed it from the record), and
 * so is its `quietEventKey` (a worker computed it; `event` may then be any event with that key and error code).
 */
type SyncScorer = (
  event: IngestedEvent,
  observation?: BaselineObservation,
  eventKey?: number,
) => RiskAssessment;

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
  /** The detections run; default the catalog. */
  readonly registry?: DetectionRegistry;
}

/** A scored and decided event: the output line plus what the table and SARIF writers need beyond it. */
interface EventEvaluation {
  readonly kind: 'result';
  readonly result: ScanResult;
  readonly hits: readonly DetectionHit[];
  readonly decision: Decision;
  /**
   * Who did what, where and when (the OCSF writer reads it for events with detections). Undefined only for an event
   * without detections that a worker thread read (`completeQuiet`): no writer reads the summary of such an event.
   */
  readonly summary: EventSummary | undefined;
}

/** A bad input, as written to the output. */
interface ErrorEvaluation {
  readonly kind: 'error';
  readonly error: ScanError;
}

type Evaluation = EventEvaluation | ErrorEvaluation;

/** A record parsed and run through the detections (the stateless part of the pipeline), not scored yet. */
interface PreparedEvent {
  readonly kind: 'prepared';
  readonly ingested: IngestedEvent;
  readonly location: InputLocation;
}

/**
 * What decides the score and decision of an event without detections besides the baseline: an event with that
 * `quietEventKey` and error code (the first such event a worker read), and the key.
 */
interface QuietShape {
  readonly event: IngestedEvent;
  readonly key: number;
}

/**
 * The scan pipeline in two parts: `prepare` (parse, detect: pure per record, so a worker thread can run it) and
 * `complete` (baseline, score, decide: in input order, on one thread); `evaluate` is both. `completeQuiet` is
 * `complete` for an event without detections that a worker read, from its shape and what is its own (id, name,
 * baseline observation, location): only with the default scorer (`scoreSync`).
 */
interface ScanPipeline {
  readonly prepare: (item: CandidateItem) => PreparedEvent | ErrorEvaluation;
  readonly complete: (
    ingested: IngestedEvent,
    location: InputLocation,
    observation?: BaselineObservation,
  ) => Evaluation | Promise<Evaluation>;
  readonly completeQuiet: (
    shape: QuietShape,
    eventId: string,
    eventName: string,
    observation: BaselineObservation,
    location: InputLocation,
  ) => EventEvaluation;
  readonly evaluate: (item: CandidateItem) => Evaluation | Promise<Evaluation>;
}

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

const NO_DETECTIONS: ScanResult['detections'] = Object.freeze([]) as unknown as ScanResult['detections'];

/** The decision of an event without detections, remembered per risk assessment and error code. */
interface QuietDecision {
  readonly decision: Decision;
  readonly output: ScanResult['decision'];
}

/** What is remembered per risk assessment: its output object, and the decisions of events without detections. */
interface RiskEntry {
  readonly output: ScanResult['risk'];
  quietWithoutError: QuietDecision | undefined;
  quietByError: Map<string, QuietDecision> | undefined;
}

/**
 * The scan pipeline for one event, in the order of DESIGN.md §1: parse the record leniently, detect
 * (`toIngestedEvent`), score against the shared baseline, decide with the policy. The stage outputs are built by
 * core's own functions and not re-validated here: `scan` is the hot path, and core's tests own their shapes.
 *
 * Per-record cost:
 * - every record is checked in place by `isCloudTrailRecord` (exactly the schema's answer, without the copy); the
 *   schema parses only the records the check refuses, so a bad record gets the schema's own error;
 * - equal risk assessments (the default scorer remembers them per feature vector, and for events without detections
 *   per quiet feature key) share one output object, and an event without detections shares its decision with every
 *   such event of the same assessment and error code (`decide` is pure: with no detection it reads only the score,
 *   the error code and the policy).
 */
function createScanPipeline(deps: EvaluatorDeps): ScanPipeline {
  const { scorer, baseline, policy, receivedAt, now, scoreSync } = deps;
  const registry = deps.registry ?? catalog;
  const decideContext = { now };
  const scoringContext = { baseline };
  const ingestOptions = { receivedAt, registry, detect: { selfRoleArns: selfRoleArnsOf(policy) } };
  // Per risk assessment, one entry: its output object and the decisions of events without detections (one look-up
  // per event; the decision without an error code, the usual one, in a field).
  const riskEntries = new WeakMap<RiskAssessment, RiskEntry>();

  const riskEntry = (risk: RiskAssessment): RiskEntry => {
    let entry = riskEntries.get(risk);
    if (entry === undefined) {
      entry = {
        output: {
          score: risk.score,
          level: levelFor(risk.score, policy),
          explanation: risk.explanation.map((c) => ({ feature: c.feature, contribution: c.contribution })),
        },
        quietWithoutError: undefined,
        quietByError: undefined,
      };
      riskEntries.set(risk, entry);
    }
    return entry;
  };

  const quietDecision = (ingested: IngestedEvent, risk: RiskAssessment, entry: RiskEntry): QuietDecision => {
    const errorCode = ingested.summary.errorCode;
    let known = errorCode === undefined ? entry.quietWithoutError : entry.quietByError?.get(errorCode);
    if (known === undefined) {
      const decision = decide({ ...ingested, risk }, policy, decideContext);
      known = { decision, output: { action: decision.action, reason: decision.reason } };
      if (errorCode === undefined) entry.quietWithoutError = known;
      else {
        entry.quietByError ??= new Map();
        entry.quietByError.set(errorCode, known);
      }
    }
    return known;
  };

  const invalid = (item: CandidateItem, error: z.core.$ZodError): ErrorEvaluation => {
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

  /** An event without detections: `ingested` is it or an event of its shape (same risk, same error code). */
  const finishQuiet = (
    ingested: IngestedEvent,
    risk: RiskAssessment,
    eventId: string,
    eventName: string,
    location: InputLocation,
    summary: EventSummary | undefined,
  ): EventEvaluation => {
    const entry = riskEntry(risk);
    const quiet = quietDecision(ingested, risk, entry);
    const result: ScanResult = {
      eventId,
      eventName,
      detections: NO_DETECTIONS,
      risk: entry.output,
      decision: quiet.output,
      source: location,
    };
    return { kind: 'result', result, hits: ingested.detections, decision: quiet.decision, summary };
  };

  const finish = (
    ingested: IngestedEvent,
    risk: RiskAssessment,
    location: InputLocation,
  ): EventEvaluation => {
    const hits = ingested.detections;
    if (hits.length === 0 && ingested.finding === undefined)
      return finishQuiet(
        ingested,
        risk,
        ingested.eventId,
        ingested.summary.eventName,
        location,
        ingested.summary,
      );
    const entry = riskEntry(risk);
    const decision = decide({ ...ingested, risk }, policy, decideContext);
    const result: ScanResult = {
      eventId: ingested.eventId,
      eventName: ingested.summary.eventName,
      detections: hits.map((hit) => ({
        id: hit.id,
        severity: hit.severity,
        title: hit.title,
        summary: hit.summary,
      })),
      risk: entry.output,
      decision: { action: decision.action, reason: decision.reason },
      source: location,
    };
    return { kind: 'result', result, hits, decision, summary: ingested.summary };
  };

  /** A GuardDuty / Security Hub finding: read as Ingest reads it (the same normalised signal and detection). */
  const prepareFinding = (item: CandidateItem): PreparedEvent | ErrorEvaluation => {
    const parsed = item.finding === 'event' ? parseFindingEvent(item.value) : parseFinding(item.value);
    if (!parsed.success) {
      const id = stringField(item.value, 'Id') ?? stringField(item.value, 'id');
      const type = stringField(item.value, 'Type') ?? stringField(item.value, 'type');
      const errorItem: InputErrorItem = {
        kind: 'error',
        error: parsed.reason,
        location: item.location,
        ...(id !== undefined ? { eventId: id } : {}),
        ...(type !== undefined ? { eventName: type } : {}),
      };
      return { kind: 'error', error: toScanError(errorItem) };
    }
    return {
      kind: 'prepared',
      ingested: toIngestedEventFromFinding(parsed.signal, ingestOptions),
      location: item.location,
    };
  };

  const complete = (
    ingested: IngestedEvent,
    location: InputLocation,
    observation?: BaselineObservation,
  ): Evaluation | Promise<Evaluation> => {
    if (scoreSync) return finish(ingested, scoreSync(ingested, observation), location);
    // A custom scorer is code from outside: its answer is checked against the contract before it is used.
    return scorer
      .score(ingested, scoringContext)
      .then((risk) => finish(ingested, RiskAssessmentSchema.parse(risk), location));
  };

  const completeQuiet = (
    shape: QuietShape,
    eventId: string,
    eventName: string,
    observation: BaselineObservation,
    location: InputLocation,
  ): EventEvaluation => {
    if (!scoreSync) throw new Error('completeQuiet needs the default scorer (scoreSync)');
    const risk = scoreSync(shape.event, observation, shape.key);
    return finishQuiet(shape.event, risk, eventId, eventName, location, undefined);
  };

  const prepare = (item: CandidateItem): PreparedEvent | ErrorEvaluation => {
    if (item.finding) return prepareFinding(item);
    const value = item.value;
    let record: CloudTrailRecord;
    if (isCloudTrailRecord(value)) record = value;
    else {
      // Refused: the schema says why (it refuses exactly what the check refuses).
      const parsed = CloudTrailRecordSchema.safeParse(value, REPORT_INPUT);
      if (!parsed.success) return invalid(item, parsed.error);
      record = parsed.data;
    }
    return { kind: 'prepared', ingested: toIngestedEvent(record, ingestOptions), location: item.location };
  };

  const evaluate = (item: CandidateItem): Evaluation | Promise<Evaluation> => {
    const prepared = prepare(item);
    if (prepared.kind === 'error') return prepared;
    return complete(prepared.ingested, prepared.location);
  };

  return { prepare, complete, completeQuiet, evaluate };
}

/** The pipeline for one event: `createScanPipeline(deps).evaluate`. */
function createEvaluator(deps: EvaluatorDeps): (item: CandidateItem) => Evaluation | Promise<Evaluation> {
  return createScanPipeline(deps).evaluate;
}

/**
 * The default model without the promise per event: the same steps as `defaultScorer.score` (observe the baseline,
 * then the logistic model with the committed weights), through the synchronous entry points core provides for
 * loops such as this one, with the assessment remembered per feature vector (`createRiskMemo`).
 */
function createDefaultSyncScorer(baseline: InMemoryBaselineStore): SyncScorer {
  const assess = createRiskMemo(DEFAULT_WEIGHTS);
  // An event without detections: its assessment remembered by its quiet feature key, which determines its feature
  // vector, so the vector is built once per key instead of once per event.
  const quiet = new Map<number, RiskAssessment>();
  return (event, observation = observationOf(event), eventKey = quietEventKey(event)) => {
    const snapshot = baseline.observeSync(observation);
    const key = eventKey === undefined ? undefined : quietFeatureKeyOf(eventKey, snapshot);
    if (key === undefined) return assess(extractFeatures(event, snapshot));
    let risk = quiet.get(key);
    if (risk === undefined) {
      risk = assess(extractFeatures(event, snapshot));
      if (quiet.size < MAX_QUIET_KEYS) quiet.set(key, risk);
    }
    return risk;
  };
}

/** Quiet feature keys remembered (a few hundred in practice; the bound only caps hostile input). */
const MAX_QUIET_KEYS = 100_000;

export type {
  ErrorEvaluation,
  Evaluation,
  EvaluatorDeps,
  EventEvaluation,
  PreparedEvent,
  QuietShape,
  ScanPipeline,
  SyncScorer,
};
export { createDefaultSyncScorer, createEvaluator, createScanPipeline, toScanError };
