import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ScanResultSchema } from '../../src/scan/index.js';
import { jsonLines, record, scan, tempFolder } from './helpers.js';

/**
 * Issue 10's serious threats through `aisaws scan --format json`: each record gets ALERT or a fix, never LOG_ONLY.
 * Real records from shared/datasets (read in place; the Panther lines are picked into a temp file, never copied into
 * the repository) where one exists; hand-made records (named so below) for a deleted GuardDuty detector and an
 * inline `*:*` user policy, which no dataset holds.
 */
const DATASETS = join(
  resolve(
    process.env.AISAWS_DATASETS ??
      join(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/datasets'),
  ),
  'cloudtrail',
);
const PANTHER = join(DATASETS, 'panther-analysis-fixtures');

type Json = Record<string, unknown>;
const jsonl = (path: string): Json[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Json);

/** The Panther rule-positive test records of a rule (expected_result true). */
function pantherPositives(ruleId: string): Json[] {
  const records = jsonl(join(PANTHER, 'panther-rule-tests.cloudtrail.jsonl'));
  const labels = jsonl(join(PANTHER, 'panther-rule-tests.labels.jsonl'));
  return labels.flatMap((label, i) =>
    label.rule_id === ruleId && label.expected_result === true && records[i] ? [records[i] as Json] : [],
  );
}

const decisionsOf = (lines: readonly Json[]) =>
  lines.map((line) => {
    const result = ScanResultSchema.parse(line);
    return { eventName: result.eventName, action: result.decision.action, reason: result.decision.reason };
  });

// Without the datasets beside this clone the dataset cases are skipped, and counted so.
const withDatasets = existsSync(DATASETS) ? it : it.skip;

describe('serious threats: ALERT or a fix in `aisaws scan --format json`', () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  beforeAll(async () => {
    folder = await tempFolder();
  });
  afterAll(async () => {
    await folder.remove();
  });

  withDatasets(
    'CloudTrail trail deleted (Stratus detonation, Invictus run): HUMAN_APPROVAL to re-create it',
    async () => {
      // Act
      const run = await scan({
        paths: [
          join(DATASETS, 'stratus-red-team', 'aws.defense-evasion.cloudtrail-delete.json'),
          join(
            DATASETS,
            'invictus-ir-aws-dataset',
            '218007301253_CloudTrail_us-east-1_20230710T1215Z_nBsuPO1qSTEVerMD.json',
          ),
        ],
        format: 'json',
      });
      // Assess
      const deletions = decisionsOf(run.lines).filter((d) => d.eventName === 'DeleteTrail');
      expect(deletions.length).toBeGreaterThanOrEqual(2);
      for (const deletion of deletions) {
        expect(deletion.action).toBe('HUMAN_APPROVAL');
        expect(deletion.reason).toContain('playbook cloudtrail.recreate-trail');
      }
    },
  );

  withDatasets(
    'root console sign-in and root access key created (Panther rule tests): ALERT, saying why no fix ran',
    async () => {
      // Prepare
      const login = pantherPositives('AWS.Console.RootLogin');
      const key = pantherPositives('AWS.CloudTrail.RootAccessKeyCreated');
      expect(login.length).toBeGreaterThan(0);
      expect(key.length).toBeGreaterThan(0);
      const file = await folder.write('panther-root.jsonl', jsonLines([...login, ...key]));
      // Act
      const run = await scan({ paths: [file], format: 'json' });
      // Assess
      const decisions = decisionsOf(run.lines);
      expect(decisions.map((d) => d.action)).toEqual([...login, ...key].map(() => 'ALERT'));
      expect(decisions[0]?.reason).toMatch(
        /^alert: no automatic fix exists for identity\.root-console-login/,
      );
      expect(decisions.at(-1)?.reason).toMatch(
        /^alert: playbook iam\.delete-root-access-key needs Organizations centralized root access/,
      );
    },
  );

  withDatasets(
    'the same root access key with centralized root access in the policy: HUMAN_APPROVAL to delete it',
    async () => {
      // Prepare
      const file = await folder.write(
        'panther-root-key.jsonl',
        jsonLines(pantherPositives('AWS.CloudTrail.RootAccessKeyCreated')),
      );
      const policy = await folder.write(
        'policy.json',
        JSON.stringify({ centralizedRootAccess: { enabled: true } }),
      );
      // Act
      const run = await scan({ paths: [file], format: 'json', policy });
      // Assess
      expect(decisionsOf(run.lines).map((d) => d.action)).toEqual(['HUMAN_APPROVAL']);
    },
  );

  it('GuardDuty detector deleted (hand-made record): re-created automatically', async () => {
    // Prepare
    const file = await folder.write(
      'guardduty.jsonl',
      jsonLines([
        record({
          eventID: 'hand-made-delete-detector',
          eventSource: 'guardduty.amazonaws.com',
          eventName: 'DeleteDetector',
          readOnly: false,
          requestParameters: { detectorId: '12abc34d567e8fa901bc2d34e56789f0' },
        }),
      ]),
    );
    // Act
    const run = await scan({ paths: [file], format: 'json' });
    // Assess
    expect(decisionsOf(run.lines)).toEqual([
      expect.objectContaining({
        action: 'AUTO_REMEDIATE',
        reason: expect.stringContaining('playbook guardduty.recreate-detector'),
      }),
    ]);
  });

  it('inline *:* user policy (hand-made record): HUMAN_APPROVAL to delete it; a managed one is ALERT', async () => {
    // Prepare
    const document = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: '*:*', Resource: '*' }],
    });
    const file = await folder.write(
      'inline.jsonl',
      jsonLines([
        record({
          eventID: 'hand-made-put-user-policy',
          eventSource: 'iam.amazonaws.com',
          eventName: 'PutUserPolicy',
          readOnly: false,
          requestParameters: { userName: 'intern', policyName: 'everything', policyDocument: document },
        }),
        record({
          eventID: 'hand-made-create-policy',
          eventSource: 'iam.amazonaws.com',
          eventName: 'CreatePolicy',
          readOnly: false,
          requestParameters: { policyName: 'everything', policyDocument: document },
        }),
      ]),
    );
    // Act
    const run = await scan({ paths: [file], format: 'json' });
    // Assess
    const [inline, managed] = decisionsOf(run.lines);
    expect(inline).toMatchObject({ action: 'HUMAN_APPROVAL' });
    expect(inline?.reason).toContain('playbook iam.delete-inline-admin-policy');
    expect(managed?.action).toBe('ALERT');
  });
});
