import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { jsonLines, record, scan, tempFolder } from './helpers.js';

type Folder = Awaited<ReturnType<typeof tempFolder>>;

/**
 * `aws guardduty get-findings` prints findings in PascalCase (the response syntax of GetFindings in the GuardDuty API
 * reference); `aws securityhub get-findings` prints ASFF. The GuardDuty file here is written for this test in that
 * shape (values invented); the ASFF findings are the Security Hub fixtures of @aisaws/core.
 */
const GUARDDUTY_EXPORT = fileURLToPath(
  new URL('../fixtures/findings/guardduty-get-findings.json', import.meta.url),
);
const CORE_FIXTURES = new URL('../../../core/test/fixtures/findings/', import.meta.url);
const asffOf = (name: string): Record<string, unknown> =>
  (
    JSON.parse(readFileSync(new URL(`${name}.json`, CORE_FIXTURES), 'utf8')) as {
      detail: { findings: [Record<string, unknown>] };
    }
  ).detail.findings[0];

describe('aisaws scan reads GuardDuty and Security Hub findings beside CloudTrail, by shape', () => {
  let folder: Folder;
  beforeEach(async () => {
    folder = await tempFolder();
  });
  afterEach(() => folder.remove());

  it('an `aws guardduty get-findings` file: each finding decided as the live loop decides it', async () => {
    const run = await scan({ paths: [GUARDDUTY_EXPORT], format: 'json' });
    expect(run.exitCode).toBe(0);
    expect(run.lines).toEqual([
      expect.objectContaining({
        eventId: 'finding:7bd5c3a2f1e04d5b9a8c2f3e4d5c6b7a@2026-11-24T11:47:02.314Z',
        eventName: 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
        detections: [expect.objectContaining({ id: 'finding.role-credentials-compromised' })],
        decision: expect.objectContaining({ action: 'HUMAN_APPROVAL' }),
        source: { file: GUARDDUTY_EXPORT, index: 0 },
      }),
      expect.objectContaining({
        eventName: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
        detections: [expect.objectContaining({ id: 'finding.instance-compromised' })],
        source: { file: GUARDDUTY_EXPORT, index: 1 },
      }),
    ]);
  });

  it('an `aws securityhub get-findings` file (ASFF), a CloudTrail log and EventBridge finding events in one scan', async () => {
    const asff = await folder.write(
      'securityhub.json',
      JSON.stringify({
        Findings: [asffOf('securityhub-s3-8-block-public-access'), asffOf('securityhub-aisaws-own-finding')],
      }),
    );
    const trail = await folder.write('trail.json', JSON.stringify({ Records: [record()] }));
    const events = await folder.write(
      'events.jsonl',
      jsonLines([
        JSON.parse(readFileSync(new URL('guardduty-bitcoin-tool-dns.json', CORE_FIXTURES), 'utf8')),
      ]),
    );
    const run = await scan({ paths: [asff, trail, events], format: 'json' });
    expect(run.exitCode).toBe(0);
    const [bucket, own, cloudTrail, bitcoin] = run.lines;
    expect(bucket).toMatchObject({ detections: [{ id: expect.stringMatching(/^finding\./) }] });
    // AISAWS's own published finding: read, never acted on
    expect(own).toMatchObject({ detections: [], decision: { action: 'LOG_ONLY' } });
    expect(cloudTrail).toMatchObject({ eventId: 'evt-0001', eventName: 'DescribeInstances' });
    expect(bitcoin).toMatchObject({
      eventName: 'CryptoCurrency:EC2/BitcoinTool.B!DNS',
      source: { file: events, line: 1 },
    });
  });

  it('hostile findings: a clear error row each, nothing decided, the scan goes on', async () => {
    const exported = JSON.parse(readFileSync(GUARDDUTY_EXPORT, 'utf8')) as {
      Findings: Record<string, unknown>[];
    };
    const [good] = exported.Findings as [Record<string, unknown>];
    const noResource = { ...good, Resource: undefined };
    const unknownKind = { ...good, Id: 'f-unknown', Resource: { ResourceType: 'Spaceship' } };
    const huge = { ...good, Id: 'f-huge', Resource: { ...(good.Resource as object), Deep: nest(40) } };
    const asffHugeArray = {
      ...asffOf('securityhub-ec2-19-open-ssh'),
      Resources: Array.from({ length: 5000 }, () => ({ Type: 'Other', Id: 'x' })),
    };
    const file = await folder.write(
      'hostile.json',
      JSON.stringify({ Findings: [noResource, 'not an object', unknownKind, huge, asffHugeArray, good] }),
    );
    const badShape = await folder.write('bad-shape.json', JSON.stringify({ Findings: { not: 'an array' } }));
    const run = await scan({ paths: [file, badShape], format: 'json' });
    expect(run.exitCode).toBe(0);
    const [missing, notObject, unknown, deep, tooMany, valid, shape] = run.lines;
    expect(missing).toMatchObject({ error: expect.stringMatching(/GuardDuty finding.*resource/i), index: 0 });
    expect(notObject).toMatchObject({ error: 'expected a finding (a JSON object), got a string', index: 1 });
    expect(unknown).toMatchObject({
      error: expect.stringMatching(/Spaceship/),
      eventId: 'f-unknown',
      index: 2,
    });
    expect(deep).toMatchObject({ error: expect.stringMatching(/nested deeper than/), index: 3 });
    expect(tooMany).toMatchObject({
      error: expect.stringMatching(/Security Hub \(ASFF\) finding.*Resources/),
      index: 4,
    });
    expect(valid).toMatchObject({
      detections: [expect.objectContaining({ id: 'finding.role-credentials-compromised' })],
    });
    expect(shape).toMatchObject({ error: 'Findings must be an array, got an object', line: 1 });
    expect(run.lines).toHaveLength(7);
  });
});

function nest(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = { Inner: value };
  return value;
}
