import { dynamoDbIdempotencyFromEnv } from '@aisaws/lambda-runtime/idempotency';
import { createStageHandler } from '@aisaws/lambda-runtime/powertools';
import { createIngestDeps } from './deps.js';
import { parseIngestEnv } from './env.js';
import { createIngestHandler, quarantineOnFailure } from './ingest.js';

// Cold start: a bad environment fails here, naming the variable.
const env = parseIngestEnv(process.env);
const deps = createIngestDeps(env);

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The id of a (possibly invalid) input, for the log key: CloudTrail's eventID, else the finding's id@updatedAt
 * (GuardDuty `detail.id`, Security Hub `detail.findings[0].Id`); undefined when absent.
 */
function eventIdOf(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const detail = (event as { detail?: unknown }).detail;
  if (typeof detail !== 'object' || detail === null) return undefined;
  const fields = detail as { eventID?: unknown; id?: unknown; updatedAt?: unknown; findings?: unknown };
  const eventId = text(fields.eventID);
  if (eventId) return eventId;
  const finding = Array.isArray(fields.findings)
    ? (fields.findings[0] as Record<string, unknown>)
    : undefined;
  const id = text(fields.id) ?? text(finding?.Id);
  const updatedAt = text(fields.updatedAt) ?? text(finding?.UpdatedAt);
  return id ? `finding:${id}@${updatedAt ?? '?'}` : undefined;
}

/**
 * Powertools idempotency key: CloudTrail's eventID, or a finding's id and updatedAt (GuardDuty or Security Hub);
 * the absent ones are null, so each kind of input is keyed by its own identity.
 */
const IDEMPOTENCY_KEY =
  '[detail.eventID, detail.id, detail.updatedAt, detail.findings[0].Id, detail.findings[0].UpdatedAt]';

/**
 * No Parser middleware on purpose: an invalid envelope must be quarantined by the use case (kept in S3 and announced
 * on SQS), not rejected before our code runs. The use case parses with core's schema itself.
 */
const stageHandler = createStageHandler({
  logger: deps.logger,
  metrics: deps.metrics,
  eventIdOf,
  idempotency: dynamoDbIdempotencyFromEnv(env, IDEMPOTENCY_KEY, deps.dynamo),
  handle: createIngestHandler(deps),
});

/**
 * The use case quarantines its own failures redacted; this outer wrap does the same for failures around it (the
 * Powertools idempotency store unreachable, before the use case runs).
 */
const handler = quarantineOnFailure(deps, stageHandler);

export { handler };
