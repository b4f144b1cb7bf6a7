import {
  AccessAnalyzerClient,
  type Type as AnalyzerType,
  CreateAnalyzerCommand,
  GetAnalyzerCommand,
} from '@aws-sdk/client-accessanalyzer';
import { DescribeHubCommand, EnableSecurityHubCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { recordedCalls } from '../event-history.js';
import { readOrNull, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';

/** Security Hub is per account and region: the target is the region. */
const HubTargetSchema = resourceRefSchema(['AWS::SecurityHub::Hub'], z.object({})).transform((ref) => ({
  account: ref.account,
  region: ref.region,
}));
type HubTarget = z.infer<typeof HubTargetSchema>;

/** Errors DescribeHub answers with when Security Hub is not enabled in the account and region. */
const HUB_ABSENT = ['InvalidAccessException', 'ResourceNotFoundException'];

async function readHubArn(target: HubTarget, ctx: PlaybookContext): Promise<string | null> {
  const hub = await readOrNull(
    () => ctx.clients(SecurityHubClient, target.region).send(new DescribeHubCommand({})),
    HUB_ABSENT,
  );
  return hub?.HubArn ?? null;
}

/** DisableSecurityHub: findings stop being collected. The fix enables it again with the default standards. */
const enableHub = definePlaybookImplementation({
  id: 'securityhub.enable-hub',
  permissions: ['securityhub:DescribeHub', 'securityhub:EnableSecurityHub'],
  // Forward-only: undoing it would disable Security Hub again.
  rollbackPermissions: [],
  target: HubTargetSchema,
  state: z.object({ hubArn: z.string().nullable() }),
  async snapshot(target, ctx) {
    return { hubArn: await readHubArn(target, ctx) };
  },
  async apply(target, _state, ctx) {
    if ((await readHubArn(target, ctx)) !== null) return { status: 'already-compliant', changes: [] };
    await ctx
      .clients(SecurityHubClient, target.region)
      .send(new EnableSecurityHubCommand({ EnableDefaultStandards: true }));
    return {
      status: 'applied',
      changes: [`EnableSecurityHub in ${target.account} ${target.region}: default standards on`],
    };
  },
  async verify(target, ctx) {
    const hubArn = await readHubArn(target, ctx);
    return {
      converged: hubArn !== null,
      observed: { region: target.region, hubArn },
      details:
        hubArn === null
          ? `Security Hub is not enabled in ${target.region}.`
          : `Security Hub is enabled in ${target.region} (${hubArn}).`,
    };
  },
});

/** The analyzer name: details.analyzerName, else the id. */
const AnalyzerTargetSchema = resourceRefSchema(
  ['AWS::AccessAnalyzer::Analyzer'],
  z.object({ analyzerName: z.string().min(1).optional() }),
).transform((ref) => ({ analyzerName: ref.details.analyzerName ?? ref.id, region: ref.region }));
type AnalyzerTarget = z.infer<typeof AnalyzerTargetSchema>;

const ANALYZER_TYPES = [
  'ACCOUNT',
  'ORGANIZATION',
  'ACCOUNT_UNUSED_ACCESS',
  'ORGANIZATION_UNUSED_ACCESS',
] as const satisfies readonly AnalyzerType[];
const AnalyzerTypeSchema = z.enum(ANALYZER_TYPES);

async function readAnalyzerStatus(target: AnalyzerTarget, ctx: PlaybookContext): Promise<string | null> {
  const output = await readOrNull(
    () =>
      ctx
        .clients(AccessAnalyzerClient, target.region)
        .send(new GetAnalyzerCommand({ analyzerName: target.analyzerName })),
    ['ResourceNotFoundException'],
  );
  return output?.analyzer?.status ?? null;
}

/** The type the analyzer was created with, from the last CreateAnalyzer of this name in the event history. */
async function recordedAnalyzerType(target: AnalyzerTarget, ctx: PlaybookContext) {
  const [created] = await recordedCalls(
    ctx,
    target.region,
    ['CreateAnalyzer'],
    (call) => call.requestParameters.analyzerName === target.analyzerName,
  );
  const type = AnalyzerTypeSchema.safeParse(created?.requestParameters.type);
  return { type: type.success ? type.data : ('ACCOUNT' as const), createdBy: created?.eventId ?? null };
}

/**
 * DeleteAnalyzer: IAM Access Analyzer stops reporting external and unused access. The fix creates an analyzer of
 * the same name again, of the type its last recorded CreateAnalyzer had (ACCOUNT when the 90-day history holds
 * none). Archive rules and tags of the deleted analyzer are not restored.
 */
const recreateAnalyzer = definePlaybookImplementation({
  id: 'accessanalyzer.recreate-analyzer',
  permissions: ['access-analyzer:GetAnalyzer', 'access-analyzer:CreateAnalyzer', 'cloudtrail:LookupEvents'],
  // Forward-only: undoing it would delete the analyzer again.
  rollbackPermissions: [],
  target: AnalyzerTargetSchema,
  state: z.object({
    analyzerName: z.string(),
    status: z.string().nullable(),
    type: AnalyzerTypeSchema,
    createdBy: z.string().nullable(),
  }),
  async snapshot(target, ctx) {
    const status = await readAnalyzerStatus(target, ctx);
    return { analyzerName: target.analyzerName, status, ...(await recordedAnalyzerType(target, ctx)) };
  },
  async apply(target, state, ctx) {
    if ((await readAnalyzerStatus(target, ctx)) !== null) return { status: 'already-compliant', changes: [] };
    await ctx
      .clients(AccessAnalyzerClient, target.region)
      .send(new CreateAnalyzerCommand({ analyzerName: target.analyzerName, type: state.type }));
    return {
      status: 'applied',
      changes: [
        `CreateAnalyzer ${target.analyzerName} in ${target.region}: type ${state.type}${state.createdBy ? ` (as CreateAnalyzer ${state.createdBy} had it)` : ' (no CreateAnalyzer in the 90-day history: default)'}`,
      ],
    };
  },
  async verify(target, ctx) {
    const status = await readAnalyzerStatus(target, ctx);
    return {
      converged: status === 'ACTIVE',
      observed: { analyzerName: target.analyzerName, region: target.region, status },
      details:
        status === null
          ? `Access Analyzer ${target.analyzerName} does not exist in ${target.region}.`
          : `Access Analyzer ${target.analyzerName} is ${status} in ${target.region}.`,
    };
  },
});

export { enableHub, recreateAnalyzer };
