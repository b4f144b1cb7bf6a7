import {
  type AdvancedEventSelector,
  CloudTrailClient,
  type EventSelector,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { firstDefined, resourceRefSchema, toJson } from '../shared.js';
import type { PlaybookContext } from '../types.js';

/** Trail: its ARN (ResourceRef arn or details.trailArn) or name (details.trailName, else id); home region hint. */
const TrailTargetSchema = resourceRefSchema(
  ['AWS::CloudTrail::Trail'],
  z.object({
    trailName: z.string().min(1).optional(),
    trailArn: z.string().min(1).optional(),
    homeRegion: z.string().min(1).optional(),
  }),
).transform((ref) => ({
  trail: firstDefined(ref.arn, ref.details.trailArn, ref.details.trailName) ?? ref.id,
  regionHint: ref.details.homeRegion ?? ref.region,
}));
type TrailTarget = z.infer<typeof TrailTargetSchema>;

interface ResolvedTrail {
  /** ARN when CloudTrail returned one, else the name. */
  readonly trail: string;
  readonly homeRegion: string;
}

/** GetTrail tells the home region: StartLogging and PutEventSelectors are refused anywhere else (trap T10). */
async function resolveTrail(target: TrailTarget, ctx: PlaybookContext): Promise<ResolvedTrail> {
  const output = await ctx
    .clients(CloudTrailClient, target.regionHint)
    .send(new GetTrailCommand({ Name: target.trail }));
  return {
    trail: output.Trail?.TrailARN ?? target.trail,
    homeRegion: output.Trail?.HomeRegion ?? target.regionHint,
  };
}

const cloudtrail = (trail: ResolvedTrail, ctx: PlaybookContext) =>
  ctx.clients(CloudTrailClient, trail.homeRegion);

async function readIsLogging(trail: ResolvedTrail, ctx: PlaybookContext): Promise<boolean> {
  const status = await cloudtrail(trail, ctx).send(new GetTrailStatusCommand({ Name: trail.trail }));
  return status.IsLogging === true;
}

const startLogging = definePlaybookImplementation({
  id: 'cloudtrail.start-logging',
  permissions: ['cloudtrail:GetTrail', 'cloudtrail:GetTrailStatus', 'cloudtrail:StartLogging'],
  // Forward-only: undoing it would stop the trail logging again.
  rollbackPermissions: [],
  target: TrailTargetSchema,
  state: z.object({ trail: z.string(), homeRegion: z.string(), isLogging: z.boolean() }),
  async snapshot(target, ctx) {
    const trail = await resolveTrail(target, ctx);
    return { ...trail, isLogging: await readIsLogging(trail, ctx) };
  },
  async apply(target, _state, ctx) {
    const trail = await resolveTrail(target, ctx);
    if (await readIsLogging(trail, ctx)) return { status: 'already-compliant', changes: [] };
    await cloudtrail(trail, ctx).send(new StartLoggingCommand({ Name: trail.trail }));
    return { status: 'applied', changes: [`StartLogging ${trail.trail} in ${trail.homeRegion}`] };
  },
  async verify(target, ctx) {
    const trail = await resolveTrail(target, ctx);
    const isLogging = await readIsLogging(trail, ctx);
    return {
      converged: isLogging,
      observed: { trail: trail.trail, homeRegion: trail.homeRegion, isLogging },
      details: isLogging ? `Trail ${trail.trail} is logging.` : `Trail ${trail.trail} is not logging.`,
    };
  },
});

const EventSelectorSchema = z.object({
  ReadWriteType: z.enum(['ReadOnly', 'WriteOnly', 'All']).optional(),
  IncludeManagementEvents: z.boolean().optional(),
  DataResources: z
    .array(z.object({ Type: z.string().optional(), Values: z.array(z.string()).optional() }))
    .optional(),
  ExcludeManagementEventSources: z.array(z.string()).optional(),
});
const FieldSelectorSchema = z.object({
  Field: z.string(),
  Equals: z.array(z.string()).optional(),
  StartsWith: z.array(z.string()).optional(),
  EndsWith: z.array(z.string()).optional(),
  NotEquals: z.array(z.string()).optional(),
  NotStartsWith: z.array(z.string()).optional(),
  NotEndsWith: z.array(z.string()).optional(),
});
const AdvancedEventSelectorSchema = z.object({
  Name: z.string().optional(),
  FieldSelectors: z.array(FieldSelectorSchema),
});
const SelectorsSchema = z.object({
  eventSelectors: z.array(EventSelectorSchema),
  advancedEventSelectors: z.array(AdvancedEventSelectorSchema),
});
type Selectors = z.infer<typeof SelectorsSchema>;

const recordsAllManagement = (selector: EventSelector): boolean =>
  selector.IncludeManagementEvents === true &&
  (selector.ReadWriteType ?? 'All') === 'All' &&
  (selector.ExcludeManagementEventSources ?? []).length === 0;

const isManagementSelector = (selector: AdvancedEventSelector): boolean =>
  (selector.FieldSelectors ?? []).some(
    (field) => field.Field === 'eventCategory' && (field.Equals ?? []).includes('Management'),
  );

/** Management category with no other field (a readOnly or eventSource field would narrow it). */
const recordsAllManagementAdvanced = (selector: AdvancedEventSelector): boolean =>
  isManagementSelector(selector) &&
  (selector.FieldSelectors ?? []).every((field) => field.Field === 'eventCategory');

const recordsManagementEvents = (selectors: Selectors): boolean =>
  selectors.advancedEventSelectors.length > 0
    ? selectors.advancedEventSelectors.some(recordsAllManagementAdvanced)
    : selectors.eventSelectors.some(recordsAllManagement);

async function readSelectors(trail: ResolvedTrail, ctx: PlaybookContext): Promise<Selectors> {
  const output = await cloudtrail(trail, ctx).send(new GetEventSelectorsCommand({ TrailName: trail.trail }));
  return SelectorsSchema.parse({
    eventSelectors: toJson(output.EventSelectors ?? []),
    advancedEventSelectors: toJson(output.AdvancedEventSelectors ?? []),
  });
}

const MANAGEMENT_SELECTOR: AdvancedEventSelector = {
  Name: 'Management events',
  FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }],
};

/**
 * The selectors with all management events back, data selectors kept: advanced selectors keep every non-management
 * selector and get one unrestricted management selector; classic ones get management events on the first
 * ReadWriteType All selector (keeping its data resources), or a new All selector when none is All.
 */
function withManagementEvents(
  selectors: Selectors,
): { EventSelectors: EventSelector[] } | { AdvancedEventSelectors: AdvancedEventSelector[] } {
  if (selectors.advancedEventSelectors.length > 0) {
    const data = selectors.advancedEventSelectors.filter((selector) => !isManagementSelector(selector));
    return { AdvancedEventSelectors: [...data, MANAGEMENT_SELECTOR] };
  }
  const all = selectors.eventSelectors.findIndex((selector) => (selector.ReadWriteType ?? 'All') === 'All');
  if (all < 0) {
    return {
      EventSelectors: [
        ...selectors.eventSelectors,
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          ExcludeManagementEventSources: [],
          DataResources: [],
        },
      ],
    };
  }
  return {
    EventSelectors: selectors.eventSelectors.map((selector, index) =>
      index === all
        ? {
            ...selector,
            ReadWriteType: 'All',
            IncludeManagementEvents: true,
            ExcludeManagementEventSources: [],
          }
        : selector,
    ),
  };
}

const restoreManagementEvents = definePlaybookImplementation({
  id: 'cloudtrail.restore-management-events',
  permissions: ['cloudtrail:GetEventSelectors', 'cloudtrail:GetTrail', 'cloudtrail:PutEventSelectors'],
  // Forward-only: undoing it would narrow the management events the trail records again.
  rollbackPermissions: [],
  target: TrailTargetSchema,
  state: z.object({ trail: z.string(), homeRegion: z.string(), selectors: SelectorsSchema }),
  async snapshot(target, ctx) {
    const trail = await resolveTrail(target, ctx);
    return { ...trail, selectors: await readSelectors(trail, ctx) };
  },
  async apply(target, _state, ctx) {
    const trail = await resolveTrail(target, ctx);
    const selectors = await readSelectors(trail, ctx);
    if (recordsManagementEvents(selectors)) return { status: 'already-compliant', changes: [] };
    const restored = withManagementEvents(selectors);
    await cloudtrail(trail, ctx).send(new PutEventSelectorsCommand({ TrailName: trail.trail, ...restored }));
    const kind = 'AdvancedEventSelectors' in restored ? 'advanced' : 'classic';
    return {
      status: 'applied',
      changes: [
        `PutEventSelectors ${trail.trail}: all management events recorded again (${kind} selectors, data selectors kept)`,
      ],
    };
  },
  async verify(target, ctx) {
    const trail = await resolveTrail(target, ctx);
    const selectors = await readSelectors(trail, ctx);
    const converged = recordsManagementEvents(selectors);
    return {
      converged,
      observed: { trail: trail.trail, ...selectors },
      details: converged
        ? `Trail ${trail.trail} records all management events.`
        : `Trail ${trail.trail} has no selector that records all management events.`,
    };
  },
});

export { restoreManagementEvents, startLogging };
