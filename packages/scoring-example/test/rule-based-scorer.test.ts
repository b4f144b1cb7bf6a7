import { toIngestedEvent } from '@aisaws/core/events';
import { InMemoryBaselineStore } from '@aisaws/core/ports';
import { ScoredEventSchema } from '@aisaws/core/schemas';
import {
  benignDescribeInstances,
  bucketMadePublicByAcl,
  rootConsoleLoginWithoutMfa,
} from '@aisaws/testing/fixtures';
import { describe, expect, it } from '@jest/globals';
import { createExampleScoringHandler, exampleScorer, RULES } from '../src/index.js';

const RECEIVED_AT = '2026-11-25T08:00:00.000Z';
const scoreOf = (record: Parameters<typeof toIngestedEvent>[0], baseline = new InMemoryBaselineStore()) =>
  exampleScorer.score(toIngestedEvent(record, { receivedAt: RECEIVED_AT }), { baseline });

describe('exampleScorer rules', () => {
  it('scores the most severe detection, with the detection ids in the explanation', async () => {
    // Prepare
    const event = toIngestedEvent(bucketMadePublicByAcl(), { receivedAt: RECEIVED_AT });
    const top = Math.max(...event.detections.map((hit) => hit.severity));
    // Act
    const risk = await exampleScorer.score(event, { baseline: new InMemoryBaselineStore() });
    // Assess
    expect(risk.score).toBeCloseTo(top, 10);
    expect(risk.explanation[0]).toMatchObject({ feature: 'max-detection-severity', contribution: top });
    expect(risk.explanation[0]?.description).toContain('s3.bucket-acl-public');
  });

  it('adds the root and no-MFA rules for a root console login without MFA', async () => {
    // Act
    const risk = await scoreOf(rootConsoleLoginWithoutMfa());
    // Assess
    const features = risk.explanation.map((c) => c.feature);
    expect(features).toEqual(expect.arrayContaining(['root-actor', 'no-mfa']));
    const sum = risk.explanation.reduce((s, c) => s + c.contribution, 0);
    expect(risk.score).toBeCloseTo(Math.min(1, sum), 10);
    expect(risk.score).toBeGreaterThanOrEqual(RULES.rootActor + RULES.noMfa);
  });

  it('adds the offensive user-agent rule and names the tool', async () => {
    // Act
    const risk = await scoreOf(benignDescribeInstances({ userAgent: 'Pacu/1.5 (Kali Linux)' }));
    // Assess
    const rule = risk.explanation.find((c) => c.feature === 'offensive-user-agent');
    expect(rule?.contribution).toBe(RULES.offensiveUserAgent);
    expect(risk.score).toBeCloseTo(RULES.offensiveUserAgent, 10);
  });

  it('gives a benign read by a known principal from a known IP a score of 0', async () => {
    // Prepare
    const baseline = new InMemoryBaselineStore();
    await scoreOf(benignDescribeInstances(), baseline);
    // Act
    const risk = await scoreOf(benignDescribeInstances(), baseline);
    // Assess
    expect(risk.score).toBe(0);
    expect(risk.explanation).toHaveLength(1);
  });

  it('flags a known principal calling from a new IP', async () => {
    // Prepare
    const baseline = new InMemoryBaselineStore();
    await scoreOf(benignDescribeInstances(), baseline);
    // Act
    const risk = await scoreOf(benignDescribeInstances({ sourceIPAddress: '198.51.100.77' }), baseline);
    // Assess
    expect(risk.explanation.map((c) => c.feature)).toContain('new-source-ip');
    expect(risk.score).toBeCloseTo(RULES.newSourceIp, 10);
  });

  it('halves the score of a failed call', async () => {
    // Prepare
    const succeeded = await scoreOf(bucketMadePublicByAcl('b', { userAgent: 'pacu' }));
    // Act
    const failed = await scoreOf(
      bucketMadePublicByAcl('b', { userAgent: 'pacu', errorCode: 'AccessDenied' }),
    );
    // Assess
    expect(failed.explanation.map((c) => c.feature)).toContain('failed-call');
    expect(failed.score).toBeLessThan(succeeded.score);
  });
});

describe('createExampleScoringHandler', () => {
  it('turns an Ingest output into a ScoredEvent with the example model', async () => {
    // Prepare
    const event = toIngestedEvent(bucketMadePublicByAcl(), { receivedAt: RECEIVED_AT });
    // Act
    const scored = await createExampleScoringHandler()(event);
    // Assess
    expect(ScoredEventSchema.parse(scored)).toEqual(scored);
    expect(scored.risk.model).toEqual({ id: 'example-rules', version: '1.0.0' });
  });

  it('rejects what is not an Ingest output', async () => {
    await expect(createExampleScoringHandler()({ eventId: 'x' })).rejects.toThrow(/schemaVersion/);
  });
});
