import { DEFAULT_POLICY } from '@aisaws/core/policy';
import { InMemoryBaselineStore } from '@aisaws/core/ports';
import { defaultScorer } from '@aisaws/core/scoring';
import type { CandidateItem } from '@aisaws/scan-engine';
import {
  createDefaultSyncScorer,
  createEvaluator,
  type Evaluation,
  errorJson,
  resultJson,
} from '@aisaws/scan-engine';
import { describe, expect, it } from '@jest/globals';
import { publicAclRecord, record } from './helpers.js';

const now = new Date('2026-11-25T00:00:00Z');

/** A stream where baseline history matters: a principal's first call, repeats, a new IP, a denied call. */
const candidates: CandidateItem[] = [
  record({ eventID: 'e1' }),
  record({ eventID: 'e2', eventTime: '2026-11-24T09:00:05Z' }),
  record({ eventID: 'e3', sourceIPAddress: '203.0.113.9', eventTime: '2026-11-24T09:00:09Z' }),
  record({ eventID: 'e4', errorCode: 'AccessDenied', eventTime: '2026-11-24T09:00:10Z' }),
  publicAclRecord('e5'),
  record({ eventID: 'e1' }),
].map((value, index) => ({ kind: 'candidate', value, location: { file: 'stream.jsonl', line: index + 1 } }));

async function evaluateAll(sync: boolean): Promise<Evaluation[]> {
  const baseline = new InMemoryBaselineStore();
  const evaluate = createEvaluator({
    scorer: defaultScorer,
    baseline,
    ...(sync ? { scoreSync: createDefaultSyncScorer(baseline) } : {}),
    policy: DEFAULT_POLICY,
    receivedAt: now.toISOString(),
    now,
  });
  const out: Evaluation[] = [];
  for (const candidate of candidates) out.push(await evaluate(candidate));
  return out;
}

describe('scan evaluator', () => {
  it('scores through the synchronous path exactly as defaultScorer.score does, event after event', async () => {
    // Act
    const viaScorer = await evaluateAll(false);
    const viaSync = await evaluateAll(true);
    // Assess
    expect(viaSync).toEqual(viaScorer);
    // The history matters (otherwise the comparison proves little): the same call scores differently over time.
    const scores = viaSync.map((e) => (e.kind === 'result' ? e.result.risk.score : -1));
    expect(new Set(scores).size).toBeGreaterThan(2);
  });

  it('answers a record that fails CloudTrailRecordSchema with an error naming the field, keeping its ids', async () => {
    const evaluate = createEvaluator({
      scorer: defaultScorer,
      baseline: new InMemoryBaselineStore(),
      policy: DEFAULT_POLICY,
      receivedAt: now.toISOString(),
      now,
    });
    const evaluation = await evaluate({
      kind: 'candidate',
      value: { eventID: 'x1', eventName: 'PutBucketAcl', eventSource: 42 },
      location: { file: 'f.json', index: 3 },
    });
    expect(evaluation).toEqual({
      kind: 'error',
      error: {
        error: 'invalid CloudTrail record: eventSource: Invalid input: expected string, received number',
        file: 'f.json',
        index: 3,
        eventId: 'x1',
        eventName: 'PutBucketAcl',
      },
    });
  });
});

describe('json output line', () => {
  it('serialises a result to JSON that reads back identical to the result', async () => {
    const evaluations = await evaluateAll(true);
    for (const evaluation of evaluations) {
      if (evaluation.kind !== 'result') continue;
      expect(JSON.parse(resultJson(evaluation.result))).toEqual(evaluation.result);
      expect(JSON.parse(resultJson(evaluation.result))).toEqual(
        JSON.parse(JSON.stringify(evaluation.result)),
      );
    }
  });

  it('writes non-ASCII characters as \\u escapes and keeps their meaning', () => {
    const result = {
      eventId: 'ü-1',
      eventName: 'PutBucketAcl',
      detections: [
        {
          id: 's3.bucket-acl-public',
          severity: 0.85,
          title: 'Bucket → public',
          summary: 'Bucket café public',
        },
      ],
      risk: { score: 0.75, level: 'HIGH' as const, explanation: [{ feature: 'bias', contribution: -3 }] },
      decision: { action: 'AUTO_REMEDIATE' as const, reason: 'score 0.75 is HIGH (≥ 0.70)' },
      source: { file: 'dossier/événements.jsonl', line: 3 },
    };
    const text = resultJson(result);
    expect(text).not.toMatch(/[^\x20-\x7e]/);
    expect(text).toContain('\\u2265');
    expect(JSON.parse(text)).toEqual(result);
    const error = { error: 'bad “quote”', file: 'f', line: 1 };
    expect(JSON.parse(errorJson(error))).toEqual(error);
  });
});
