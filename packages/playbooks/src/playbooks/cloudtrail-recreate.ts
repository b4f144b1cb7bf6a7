import {
  CloudTrailClient,
  CreateTrailCommand,
  type CreateTrailCommandInput,
  type EventSelector,
  GetTrailCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { type RecordedCall, recordedCalls } from '../event-history.js';
import { readOrNull, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';

/** The deleted trail: its name (details.trailName, else id) in its home region (details.homeRegion, else region). */
const DeletedTrailTargetSchema = resourceRefSchema(
  ['AWS::CloudTrail::Trail'],
  z.object({ trailName: z.string().min(1).optional(), homeRegion: z.string().min(1).optional() }),
).transform((ref) => ({
  name: ref.details.trailName ?? ref.id,
  region: ref.details.homeRegion ?? ref.region,
}));
type DeletedTrailTarget = z.infer<typeof DeletedTrailTargetSchema>;

/** The trail settings CreateTrail takes that AISAWS restores, in CloudTrail's request-parameter spelling. */
const TrailConfigurationSchema = z.object({
  s3BucketName: z.string().min(1),
  s3KeyPrefix: z.string().optional(),
  snsTopicName: z.string().optional(),
  includeGlobalServiceEvents: z.boolean().optional(),
  isMultiRegionTrail: z.boolean().optional(),
  enableLogFileValidation: z.boolean().optional(),
  kmsKeyId: z.string().optional(),
  isOrganizationTrail: z.boolean().optional(),
  tagsList: z.array(z.object({ key: z.string(), value: z.string().optional() })).optional(),
});
type TrailConfiguration = z.infer<typeof TrailConfigurationSchema>;

const SETTINGS = [
  's3BucketName',
  's3KeyPrefix',
  'snsTopicName',
  'includeGlobalServiceEvents',
  'isMultiRegionTrail',
  'enableLogFileValidation',
  'kmsKeyId',
  'isOrganizationTrail',
] as const;

/** The selector that records every management event (what a trail records by default). */
const ALL_MANAGEMENT_EVENTS: EventSelector = { ReadWriteType: 'All', IncludeManagementEvents: true };

const RecordedSelectorSchema = z.object({
  readWriteType: z.enum(['ReadOnly', 'WriteOnly', 'All']).optional(),
  includeManagementEvents: z.boolean().optional(),
  dataResources: z.array(z.object({ type: z.string(), values: z.array(z.string()).optional() })).optional(),
  excludeManagementEventSources: z.array(z.string()).optional(),
});

const StateSchema = z.object({
  name: z.string(),
  region: z.string(),
  /** True when the trail exists again at snapshot time (nothing to re-create). */
  exists: z.boolean(),
  /** Rebuilt from the history; null when no CreateTrail of this name is in the region's 90-day event history. */
  configuration: TrailConfigurationSchema.nullable(),
  /** The data resources of the last recorded selectors, to record again with all management events. */
  dataResources: z.array(z.object({ type: z.string(), values: z.array(z.string()) })),
  /** Settings left out on purpose, e.g. CloudWatch Logs delivery (needs iam:PassRole), each with why. */
  notRestored: z.array(z.string()),
  /** The eventIDs the configuration was rebuilt from, oldest first. */
  basedOn: z.array(z.string()),
});
type State = z.infer<typeof StateSchema>;

const namesTrail = (name: string) => (call: RecordedCall) => {
  const value = call.requestParameters.name ?? call.requestParameters.trailName;
  return typeof value === 'string' && (value === name || value.endsWith(`:trail/${name}`));
};

/**
 * The trail's last recorded configuration: its newest CreateTrail, with the UpdateTrail calls made after it applied
 * in order, and the data resources of the newest PutEventSelectors after it. Management events are always recorded
 * again (an attacker narrowing the selectors before deleting the trail is not restored), CloudWatch Logs delivery is
 * not restored (CreateTrail would need iam:PassRole on its role), and an organization trail is refused (it is
 * re-created from the management account).
 */
function rebuildConfiguration(calls: readonly RecordedCall[]): Omit<State, 'name' | 'region' | 'exists'> {
  const chronological = [...calls].reverse();
  let createdAt = -1;
  for (let i = chronological.length - 1; i >= 0; i--)
    if (chronological[i]?.eventName === 'CreateTrail') {
      createdAt = i;
      break;
    }
  if (createdAt < 0) return { configuration: null, dataResources: [], notRestored: [], basedOn: [] };
  const since = chronological.slice(createdAt);
  const merged: Record<string, unknown> = {};
  const notRestored = new Set<string>();
  let dataResources: State['dataResources'] = [];
  for (const call of since) {
    const req = call.requestParameters;
    if (call.eventName === 'PutEventSelectors') {
      const selectors = z.array(RecordedSelectorSchema).safeParse(req.eventSelectors);
      dataResources = selectors.success
        ? selectors.data.flatMap((s) =>
            (s.dataResources ?? []).map((d) => ({ type: d.type, values: d.values ?? [] })),
          )
        : [];
      continue;
    }
    for (const key of SETTINGS) if (req[key] !== undefined && req[key] !== null) merged[key] = req[key];
    if (call.eventName === 'CreateTrail' && Array.isArray(req.tagsList)) merged.tagsList = req.tagsList;
    if (typeof req.cloudWatchLogsLogGroupArn === 'string' && req.cloudWatchLogsLogGroupArn !== '')
      notRestored.add(
        `CloudWatch Logs delivery to ${req.cloudWatchLogsLogGroupArn} (CreateTrail would need iam:PassRole on its role)`,
      );
  }
  // An UpdateTrail that removed encryption (kmsKeyId "") leaves it off.
  if (merged.kmsKeyId === '') delete merged.kmsKeyId;
  const configuration = TrailConfigurationSchema.safeParse(merged);
  return {
    configuration: configuration.success ? configuration.data : null,
    dataResources: dataResources.filter((d) => d.values.length > 0),
    notRestored: [...notRestored],
    basedOn: since.map((call) => call.eventId),
  };
}

const cloudtrail = (target: DeletedTrailTarget, ctx: PlaybookContext) =>
  ctx.clients(CloudTrailClient, target.region);

async function trailExists(target: DeletedTrailTarget, ctx: PlaybookContext): Promise<boolean> {
  const output = await readOrNull(
    () => cloudtrail(target, ctx).send(new GetTrailCommand({ Name: target.name })),
    ['TrailNotFoundException'],
  );
  return output?.Trail !== undefined && output.Trail !== null;
}

/** No CreateTrail in the history, or an organization trail: a person re-creates it; the reason says how. */
class TrailNotRecreatableError extends Error {
  constructor(target: DeletedTrailTarget, why: string) {
    super(`trail ${target.name} in ${target.region} cannot be re-created automatically: ${why}`);
    this.name = 'TrailNotRecreatableError';
  }
}

function createTrailInput(name: string, configuration: TrailConfiguration): CreateTrailCommandInput {
  return {
    Name: name,
    S3BucketName: configuration.s3BucketName,
    ...(configuration.s3KeyPrefix ? { S3KeyPrefix: configuration.s3KeyPrefix } : {}),
    ...(configuration.snsTopicName ? { SnsTopicName: configuration.snsTopicName } : {}),
    ...(configuration.includeGlobalServiceEvents !== undefined
      ? { IncludeGlobalServiceEvents: configuration.includeGlobalServiceEvents }
      : {}),
    ...(configuration.isMultiRegionTrail !== undefined
      ? { IsMultiRegionTrail: configuration.isMultiRegionTrail }
      : {}),
    ...(configuration.enableLogFileValidation !== undefined
      ? { EnableLogFileValidation: configuration.enableLogFileValidation }
      : {}),
    ...(configuration.kmsKeyId ? { KmsKeyId: configuration.kmsKeyId } : {}),
    ...(configuration.tagsList
      ? { TagsList: configuration.tagsList.map((tag) => ({ Key: tag.key, Value: tag.value })) }
      : {}),
  };
}

/**
 * DeleteTrail: the trail and its configuration are gone. The fix re-creates it from its last recorded configuration
 * (CloudTrail's own 90-day event history, see rebuildConfiguration), records all management events (plus the data
 * resources it had) and starts logging. Approval first: it writes to the bucket the old trail named.
 */
const recreateTrail = definePlaybookImplementation({
  id: 'cloudtrail.recreate-trail',
  permissions: [
    'cloudtrail:LookupEvents',
    'cloudtrail:GetTrail',
    'cloudtrail:GetTrailStatus',
    'cloudtrail:CreateTrail',
    'cloudtrail:PutEventSelectors',
    'cloudtrail:StartLogging',
  ],
  // Forward-only: undoing it would delete the trail again.
  rollbackPermissions: [],
  target: DeletedTrailTargetSchema,
  state: StateSchema,
  async snapshot(target, ctx) {
    const calls = await recordedCalls(
      ctx,
      target.region,
      ['CreateTrail', 'UpdateTrail', 'PutEventSelectors'],
      namesTrail(target.name),
    );
    return {
      name: target.name,
      region: target.region,
      exists: await trailExists(target, ctx),
      ...rebuildConfiguration(calls),
    };
  },
  async apply(target, state, ctx) {
    if (await trailExists(target, ctx)) return { status: 'already-compliant', changes: [] };
    const { configuration } = state;
    if (configuration === null)
      throw new TrailNotRecreatableError(
        target,
        'no CreateTrail of this name in the 90-day event history of the region; create it again by hand',
      );
    if (configuration.isOrganizationTrail === true)
      throw new TrailNotRecreatableError(
        target,
        'it is an organization trail: re-create it from the management account',
      );
    const client = cloudtrail(target, ctx);
    const created = await client.send(new CreateTrailCommand(createTrailInput(target.name, configuration)));
    const trail = created.TrailARN ?? target.name;
    const selectors: EventSelector[] = [
      state.dataResources.length > 0
        ? {
            ...ALL_MANAGEMENT_EVENTS,
            DataResources: state.dataResources.map((d) => ({ Type: d.type, Values: d.values })),
          }
        : ALL_MANAGEMENT_EVENTS,
    ];
    await client.send(new PutEventSelectorsCommand({ TrailName: trail, EventSelectors: selectors }));
    await client.send(new StartLoggingCommand({ Name: trail }));
    return {
      status: 'applied',
      changes: [
        `CreateTrail ${target.name} in ${target.region} to s3://${configuration.s3BucketName}${configuration.s3KeyPrefix ? `/${configuration.s3KeyPrefix}` : ''} (from events ${state.basedOn.join(', ')})`,
        `PutEventSelectors ${target.name}: all management events${state.dataResources.length > 0 ? `, data resources ${state.dataResources.map((d) => d.type).join(', ')}` : ''}`,
        `StartLogging ${target.name}`,
        ...state.notRestored.map((what) => `not restored: ${what}`),
      ],
    };
  },
  async verify(target, ctx) {
    const exists = await trailExists(target, ctx);
    const isLogging = exists
      ? (await cloudtrail(target, ctx).send(new GetTrailStatusCommand({ Name: target.name }))).IsLogging ===
        true
      : false;
    return {
      converged: exists && isLogging,
      observed: { name: target.name, region: target.region, exists, isLogging },
      details: !exists
        ? `Trail ${target.name} does not exist in ${target.region}.`
        : isLogging
          ? `Trail ${target.name} exists again and is logging.`
          : `Trail ${target.name} exists but is not logging.`,
    };
  },
});

export { recreateTrail, TrailNotRecreatableError };
