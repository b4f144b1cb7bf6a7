import { fileURLToPath } from 'node:url';
import { ocsfDetectionFindingSchemaErrors } from '@aisaws/testing/schemas';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { jsonLines, publicAclRecord, record, scan, tempFolder } from './helpers.js';

type Folder = Awaited<ReturnType<typeof tempFolder>>;

const SAMPLES = fileURLToPath(new URL('../../samples', import.meta.url));

describe('aisaws scan --format ocsf', () => {
  let folder: Folder;
  beforeEach(async () => {
    folder = await tempFolder();
  });
  afterEach(() => folder.remove());

  it('writes one OCSF 1.8.0 Detection Finding per event with a detection, valid against the schema', async () => {
    // Act
    const run = await scan({ paths: [SAMPLES], format: 'ocsf' });
    const json = await scan({ paths: [SAMPLES], format: 'json' });
    // Assess: the same events as --format json, those with a detection, in the same order
    expect(run.exitCode).toBe(0);
    const withDetections = json.lines.filter(
      (line) => Array.isArray(line.detections) && line.detections.length > 0,
    );
    const findings = run.lines.filter((line) => 'class_uid' in line);
    expect(findings.length).toBe(withDetections.length);
    expect(findings.length).toBeGreaterThan(3);
    expect(
      findings.map((line) => (line.metadata as { original_event_uid: string }).original_event_uid),
    ).toEqual(withDetections.map((line) => line.eventId));
    // The samples' bad input lines are the same error rows in both formats
    expect(run.lines.filter((line) => 'error' in line)).toEqual(json.lines.filter((line) => 'error' in line));
    for (const line of findings) {
      expect(ocsfDetectionFindingSchemaErrors(line)).toEqual([]);
      expect(line).toMatchObject({ class_uid: 2004, category_uid: 2, type_uid: 200401 });
    }
  });

  it('carries the decision, the score and the detection as the finding’s analytic', async () => {
    const file = await folder.write(
      'trail.jsonl',
      jsonLines([publicAclRecord('evt-public-1', 'team-share')]),
    );
    const [json] = (await scan({ paths: [file], format: 'json' })).lines;
    const [ocsf] = (await scan({ paths: [file], format: 'ocsf' })).lines;
    const decision = json?.decision as { action: string; reason: string };
    const risk = json?.risk as { score: number };
    expect(ocsf).toMatchObject({
      finding_info: { uid: 'aisaws/evt-public-1', analytic: { uid: 's3.bucket-acl-public' } },
      time: Date.parse('2026-11-24T09:00:00Z'),
      cloud: { provider: 'AWS', region: 'us-east-1', account: { uid: '111122223333' } },
      resources: [expect.objectContaining({ name: 'team-share', type: 'AWS::S3::Bucket' })],
      unmapped: {
        aisaws: {
          decision: { action: decision.action, reason: decision.reason },
          risk: { score: risk.score },
          source: { file, line: 1 },
        },
      },
    });
  });

  it('keeps a bad input as the same error row as --format json, and writes nothing for a benign event', async () => {
    const file = await folder.write('trail.jsonl', `${JSON.stringify(record())}\n{not json\n`);
    const run = await scan({ paths: [file], format: 'ocsf' });
    expect(run.lines).toEqual([expect.objectContaining({ file, line: 2, error: expect.any(String) })]);
    expect(run.lines[0]).not.toHaveProperty('class_uid');
  });
});
