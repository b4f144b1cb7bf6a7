import { catalog } from '@aisaws/core/detections';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import * as z from 'zod';
import { jsonLines, publicAclRecord, record, scan, tempFolder } from './helpers.js';

type Folder = Awaited<ReturnType<typeof tempFolder>>;

/** The fields SARIF 2.1.0 requires (and those code-scanning tools read) of what `--format sarif` writes. */
const SarifMessageSchema = z.object({ text: z.string().min(1) });
const SarifLocationSchema = z.object({
  physicalLocation: z.object({
    artifactLocation: z.object({ uri: z.string().min(1), uriBaseId: z.string().optional() }),
    region: z.object({ startLine: z.number().int().positive() }).optional(),
  }),
  logicalLocations: z.array(z.object({ name: z.string(), fullyQualifiedName: z.string() })).optional(),
});
const SarifLogSchema = z.object({
  $schema: z.string().url(),
  version: z.literal('2.1.0'),
  runs: z
    .array(
      z.object({
        tool: z.object({
          driver: z.object({
            name: z.literal('aisaws'),
            version: z.string(),
            rules: z.array(
              z.object({
                id: z.string(),
                shortDescription: SarifMessageSchema,
                properties: z.object({ tags: z.array(z.string()) }),
              }),
            ),
          }),
        }),
        invocations: z.array(
          z.object({
            executionSuccessful: z.boolean(),
            toolExecutionNotifications: z.array(
              z.object({
                level: z.literal('error'),
                message: SarifMessageSchema,
                locations: z.array(SarifLocationSchema),
              }),
            ),
          }),
        ),
        results: z.array(
          z.object({
            ruleId: z.string(),
            ruleIndex: z.number().int().nonnegative(),
            level: z.enum(['error', 'warning', 'note']),
            message: SarifMessageSchema,
            locations: z.array(SarifLocationSchema).min(1),
          }),
        ),
      }),
    )
    .length(1),
});

describe('scan output formats', () => {
  let folder: Folder;
  beforeEach(async () => {
    folder = await tempFolder();
  });
  afterEach(async () => {
    await folder.remove();
  });

  describe('--format table (the default)', () => {
    it('lists only events with detections and input errors, with the detection and the decision', async () => {
      // Prepare
      const file = await folder.write(
        'events.jsonl',
        `${jsonLines([record({ eventID: 'quiet', eventName: 'DescribeVolumes' }), publicAclRecord('loud', 'press-kit')])}{bad\n`,
      );
      // Act
      const run = await scan({ paths: [file] });
      // Assess
      const rows = run.stdout.split('\n');
      expect(rows[0]).toMatch(/^LOCATION\s+EVENT\s+SCORE\s+LEVEL\s+ACTION\s+DETECTIONS$/);
      expect(run.stdout).toMatch(
        /events\.jsonl:2\s+PutBucketAcl\s+\d\.\d\d\s+(LOW|MEDIUM|HIGH)\s+\w+\s+s3\.bucket-acl-public/,
      );
      expect(run.stdout).toContain('s3.bucket-acl-public (0.85): Bucket press-kit ACL made public');
      expect(run.stdout).toMatch(/events\.jsonl:3\s+ERROR invalid JSON/);
      expect(run.stdout).not.toContain('DescribeVolumes');
    });

    it('--all lists every event', async () => {
      const file = await folder.write(
        'events.jsonl',
        jsonLines([record({ eventID: 'quiet', eventName: 'DescribeVolumes' })]),
      );
      const run = await scan({ paths: [file], all: true });
      expect(run.stdout).toMatch(
        /events\.jsonl:1\s+DescribeVolumes\s+\d\.\d\d\s+(LOW|MEDIUM|HIGH)\s+LOG_ONLY\s+-$/m,
      );
    });

    it('says so when nothing was found', async () => {
      const file = await folder.write('events.jsonl', jsonLines([record()]));
      const run = await scan({ paths: [file] });
      expect(run.stdout).toBe('No detections and no input errors in 1 events (--all lists every event).\n');
    });
  });

  describe('--format sarif', () => {
    it('writes a SARIF 2.1.0 log: catalog rules with MITRE tags, one result per hit, errors as notifications', async () => {
      // Prepare
      const jsonl = await folder.write(
        'events.jsonl',
        `${jsonLines([record({ eventID: 'quiet' }), publicAclRecord('loud')])}{bad\n`,
      );
      const log = await folder.write(
        'log.json',
        JSON.stringify({ Records: [publicAclRecord('in-array', 'b2')] }, null, 2),
      );
      // Act
      const run = await scan({ paths: [jsonl, log], format: 'sarif' });
      // Assess
      const sarif = SarifLogSchema.parse(JSON.parse(run.stdout));
      const [sarifRun] = sarif.runs;
      const rules = sarifRun?.tool.driver.rules ?? [];
      expect(rules.map((rule) => rule.id)).toEqual(catalog.all.map((d) => d.id));
      const aclRule = rules.find((rule) => rule.id === 's3.bucket-acl-public');
      expect(aclRule?.properties.tags).toContain('external/mitre-attack/T1530');

      // Each public ACL also hits the informational CIS 4.8 change monitor, reported as a note.
      const all = sarifRun?.results ?? [];
      const notes = all.filter((result) => result.ruleId === 's3.bucket-access-changed');
      expect(notes.map((result) => result.level)).toEqual(['note', 'note']);
      const results = all.filter((result) => result.ruleId !== 's3.bucket-access-changed');
      expect(results).toHaveLength(2);
      for (const result of results) {
        expect(result.ruleId).toBe('s3.bucket-acl-public');
        expect(rules[result.ruleIndex]?.id).toBe(result.ruleId);
      }
      // JSON Lines: file + line; a Records file: file + index as a logical location.
      expect(results[0]?.locations[0]?.physicalLocation.region?.startLine).toBe(2);
      expect(results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toMatch(/events\.jsonl$/);
      expect(results[1]?.locations[0]?.logicalLocations?.[0]?.fullyQualifiedName).toBe('Records[0]');
      expect(results[1]?.locations[0]?.physicalLocation.region).toBeUndefined();

      const notifications = sarifRun?.invocations[0]?.toolExecutionNotifications ?? [];
      expect(notifications).toHaveLength(1);
      expect(notifications[0]?.message.text).toMatch(/^invalid JSON/);
    });

    it('takes the result level from the decision: HIGH is error, LOW is note', async () => {
      const file = await folder.write('events.jsonl', jsonLines([publicAclRecord('p')]));
      const allHigh = await folder.write(
        'high.json',
        JSON.stringify({ thresholds: { medium: 0.001, high: 0.002 } }),
      );
      const allLow = await folder.write(
        'low.json',
        JSON.stringify({ thresholds: { medium: 0.998, high: 0.999 } }),
      );
      const high = SarifLogSchema.parse(
        JSON.parse((await scan({ paths: [file], format: 'sarif', policy: allHigh })).stdout),
      );
      const low = SarifLogSchema.parse(
        JSON.parse((await scan({ paths: [file], format: 'sarif', policy: allLow })).stdout),
      );
      expect(high.runs[0]?.results[0]?.level).toBe('error');
      expect(low.runs[0]?.results[0]?.level).toBe('note');
    });
  });
});
