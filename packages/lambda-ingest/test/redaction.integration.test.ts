import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentialPaths, REDACTED } from '@aisaws/core/events';
import { type CloudTrailRecord, CloudTrailRecordSchema } from '@aisaws/core/schemas';
import { createPowertoolsObservability } from '@aisaws/lambda-runtime/powertools';
import { eventBridgeEvent } from '@aisaws/testing/fixtures';
import { type RunningIngestStorage, type RunningS3rver, startIngestStorage } from '@aisaws/testing/harness';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createIngestHandler, type IngestDeps, InvalidEventError } from '../src/index.js';

/**
 * Credentials never reach the archive, the quarantine, the Step Functions state or the log: a GetFederationToken
 * record with a real session token (Stratus Red Team, read in place from the shared datasets) and a CreateAccessKey
 * record in the documented shape (with the secret key, which CloudTrail may carry) go through Ingest with real
 * s3rver + dynalite and the Lambda's own Powertools Logger, whose output is captured.
 */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const datasets = resolve(process.env.AISAWS_DATASETS ?? join(repoRoot, '..', 'shared', 'datasets'));
const federationFile = join(
  datasets,
  'cloudtrail',
  'stratus-red-team',
  'aws.persistence.sts-federation-token.json',
);

const BUCKET = 'aisaws-it-redaction';
const TABLE = 'aisaws-it-redaction-events';
let storage: RunningIngestStorage;
let s3: RunningS3rver;
let logged: string[] = [];

beforeAll(async () => {
  storage = await startIngestStorage({ archiveBucket: BUCKET, tables: { events: TABLE } });
  ({ s3 } = storage);
});
afterAll(async () => {
  await storage?.stop();
});
afterEach(() => {
  jest.restoreAllMocks();
  logged = [];
});

/** Ingest deps with the Lambda's own Powertools Logger at DEBUG, whose lines are captured from stdout/stderr. */
function depsWithCapturedLog(): IngestDeps {
  const capture = (chunk: unknown) => {
    logged.push(String(chunk));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  const { logger, metrics } = createPowertoolsObservability('aisaws-ingest-redaction-test');
  logger.setLogLevel('DEBUG');
  return {
    ...storage.ingestStorage,
    ttlDays: 7,
    clock: { now: () => new Date('2026-11-25T08:00:00Z') },
    logger,
    metrics,
  };
}

const createAccessKey = (): CloudTrailRecord =>
  CloudTrailRecordSchema.parse({
    eventVersion: '1.09',
    eventID: 'b1c2d3e4-0000-4000-8000-redaction0001',
    eventTime: '2026-11-25T07:59:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateAccessKey',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    recipientAccountId: '111122223333',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEJANE7Q2',
      arn: 'arn:aws:iam::111122223333:user/jane',
      accountId: '111122223333',
      userName: 'jane',
    },
    requestParameters: { userName: 'ci-bot' },
    responseElements: {
      accessKey: {
        accessKeyId: 'AKIAEXAMPLECIBOT1234',
        secretAccessKey: 'ciBotSECRETexampleKEYvalue1234567890abcd',
        status: 'Active',
        userName: 'ci-bot',
      },
    },
  });

describe('Ingest redacts credentials before archiving and logging', () => {
  it('archives a CreateAccessKey event without its secret key; the output and the log lines carry none either', async () => {
    // Prepare
    const deps = depsWithCapturedLog();
    const event = eventBridgeEvent(createAccessKey());
    // Act
    const output = await createIngestHandler(deps)(event);
    deps.logger?.info('event as logged with POWERTOOLS_LOGGER_LOG_EVENT', { event });
    jest.restoreAllMocks();
    // Assess
    const archived = JSON.stringify(await s3.readJson(BUCKET, output.archive?.key ?? ''));
    expect(archived).not.toContain('ciBotSECRET');
    expect(archived).toContain(REDACTED);
    expect(archived).toContain('AKIAEXAMPLECIBOT1234');
    expect(credentialPaths(output)).toEqual([]);
    expect(output.detections.map((hit) => hit.id)).toContain('iam.access-key-for-other-user');
    expect(logged.length).toBeGreaterThanOrEqual(2);
    expect(logged.join('')).not.toContain('ciBotSECRET');
    expect(logged.join('')).toContain(REDACTED);
  });

  // Skipped, and counted so, on a machine without the datasets (no ../shared, AISAWS_DATASETS unset).
  (existsSync(federationFile) ? it : it.skip)(
    'archives the real GetFederationToken record (Stratus) without its session token',
    async () => {
      // Prepare
      const raw = (JSON.parse(readFileSync(federationFile, 'utf8')) as Record<string, unknown>[]).find(
        (record) => record.eventName === 'GetFederationToken',
      );
      const record = CloudTrailRecordSchema.parse(raw);
      const response = raw?.responseElements as { credentials?: { sessionToken?: string } } | undefined;
      const token = String(response?.credentials?.sessionToken);
      const deps = depsWithCapturedLog();
      // Act
      const output = await createIngestHandler(deps)(eventBridgeEvent(record));
      jest.restoreAllMocks();
      // Assess
      expect(token.length).toBeGreaterThan(100);
      const archived = JSON.stringify(await s3.readJson(BUCKET, output.archive?.key ?? ''));
      expect(archived).not.toContain(token);
      expect(archived).toContain(REDACTED);
      expect(JSON.stringify(output)).not.toContain(token);
      expect(logged.join('')).not.toContain(token);
    },
  );

  it('quarantines an invalid input that carries a session token without the token', async () => {
    // Prepare: not a CloudTrail event (no detail), but it carries credentials
    const deps = depsWithCapturedLog();
    const bad = { source: 'aws.sts', credentials: { sessionToken: 'quarantinedSESSIONtokenEXAMPLE' } };
    // Act
    const error = await createIngestHandler(deps)(bad).catch((e: unknown) => e);
    jest.restoreAllMocks();
    // Assess
    expect(error).toBeInstanceOf(InvalidEventError);
    const keys = await s3.listKeys(BUCKET, 'quarantine/');
    const bodies = await Promise.all(keys.map((key) => s3.readJson(BUCKET, key)));
    const text = JSON.stringify(bodies);
    expect(keys.length).toBeGreaterThan(0);
    expect(text).not.toContain('quarantinedSESSIONtoken');
    expect(text).toContain(REDACTED);
    expect(logged.join('')).not.toContain('quarantinedSESSIONtoken');
  });
});
