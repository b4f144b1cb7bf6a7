import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import {
  CreateDetectorCommand,
  GetDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
  UpdateDetectorCommand,
} from '@aws-sdk/client-guardduty';
import * as z from 'zod';
import { definePlaybookImplementation } from '../define.js';
import { firstDefined, resourceRefSchema } from '../shared.js';
import type { PlaybookContext } from '../types.js';

/** Recorder name: details.configurationRecorderName / details.recorderName / details.name, else the id. */
const RecorderTargetSchema = resourceRefSchema(
  ['AWS::Config::ConfigurationRecorder'],
  z.object({
    configurationRecorderName: z.string().min(1).optional(),
    recorderName: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
  }),
).transform((ref) => ({
  recorder:
    firstDefined(ref.details.configurationRecorderName, ref.details.recorderName, ref.details.name) ?? ref.id,
  region: ref.region,
}));
type RecorderTarget = z.infer<typeof RecorderTargetSchema>;

const RecorderStatusSchema = z.object({ recording: z.boolean(), lastStatus: z.string().nullable() });
type RecorderStatus = z.infer<typeof RecorderStatusSchema>;

const config = (target: RecorderTarget, ctx: PlaybookContext) =>
  ctx.clients(ConfigServiceClient, target.region);

async function readRecorderStatus(target: RecorderTarget, ctx: PlaybookContext): Promise<RecorderStatus> {
  const output = await config(target, ctx).send(
    new DescribeConfigurationRecorderStatusCommand({ ConfigurationRecorderNames: [target.recorder] }),
  );
  const status = output.ConfigurationRecordersStatus?.find((entry) => entry.name === target.recorder);
  if (!status) throw new Error(`AWS Config recorder ${target.recorder} not found in ${target.region}`);
  return { recording: status.recording === true, lastStatus: status.lastStatus ?? null };
}

const startRecorder = definePlaybookImplementation({
  id: 'config.start-recorder',
  permissions: ['config:DescribeConfigurationRecorderStatus', 'config:StartConfigurationRecorder'],
  // Forward-only: undoing it would stop the recorder again.
  rollbackPermissions: [],
  target: RecorderTargetSchema,
  state: z.object({ recorder: z.string(), status: RecorderStatusSchema }),
  async snapshot(target, ctx) {
    return { recorder: target.recorder, status: await readRecorderStatus(target, ctx) };
  },
  async apply(target, _state, ctx) {
    if ((await readRecorderStatus(target, ctx)).recording)
      return { status: 'already-compliant', changes: [] };
    await config(target, ctx).send(
      new StartConfigurationRecorderCommand({ ConfigurationRecorderName: target.recorder }),
    );
    return {
      status: 'applied',
      changes: [`StartConfigurationRecorder ${target.recorder} in ${target.region}`],
    };
  },
  async verify(target, ctx) {
    const status = await readRecorderStatus(target, ctx);
    // lastStatus FAILURE: recording is on but delivery fails (bucket or role broken): not converged.
    const converged = status.recording && status.lastStatus?.toUpperCase() !== 'FAILURE';
    return {
      converged,
      observed: { recorder: target.recorder, ...status },
      details: converged
        ? `AWS Config recorder ${target.recorder} is recording.`
        : `AWS Config recorder ${target.recorder} is ${status.recording ? `recording but its last status is ${status.lastStatus}` : 'not recording'}.`,
    };
  },
});

/** Detector id: details.detectorId, else the id. */
const DetectorTargetSchema = resourceRefSchema(
  ['AWS::GuardDuty::Detector'],
  z.object({ detectorId: z.string().min(1).optional() }),
).transform((ref) => ({ detectorId: ref.details.detectorId ?? ref.id, region: ref.region }));
type DetectorTarget = z.infer<typeof DetectorTargetSchema>;

const guardduty = (target: DetectorTarget, ctx: PlaybookContext) =>
  ctx.clients(GuardDutyClient, target.region);

async function readDetectorStatus(target: DetectorTarget, ctx: PlaybookContext): Promise<string> {
  const output = await guardduty(target, ctx).send(new GetDetectorCommand({ DetectorId: target.detectorId }));
  return output.Status ?? 'UNKNOWN';
}

const enableDetector = definePlaybookImplementation({
  id: 'guardduty.enable-detector',
  permissions: ['guardduty:GetDetector', 'guardduty:UpdateDetector'],
  // Forward-only: undoing it would suspend the detector again.
  rollbackPermissions: [],
  target: DetectorTargetSchema,
  state: z.object({ detectorId: z.string(), status: z.string() }),
  async snapshot(target, ctx) {
    return { detectorId: target.detectorId, status: await readDetectorStatus(target, ctx) };
  },
  async apply(target, _state, ctx) {
    if ((await readDetectorStatus(target, ctx)) === 'ENABLED')
      return { status: 'already-compliant', changes: [] };
    await guardduty(target, ctx).send(
      new UpdateDetectorCommand({ DetectorId: target.detectorId, Enable: true }),
    );
    return {
      status: 'applied',
      changes: [`UpdateDetector ${target.detectorId} in ${target.region}: Enable true`],
    };
  },
  async verify(target, ctx) {
    const status = await readDetectorStatus(target, ctx);
    return {
      converged: status === 'ENABLED',
      observed: { detectorId: target.detectorId, status },
      details: `GuardDuty detector ${target.detectorId} is ${status}.`,
    };
  },
});

/** The region a detector was deleted in (the deleted id is kept for the record only). */
const DeletedDetectorTargetSchema = resourceRefSchema(
  ['AWS::GuardDuty::Detector'],
  z.object({ detectorId: z.string().min(1).optional() }),
).transform((ref) => ({ deletedDetectorId: ref.details.detectorId ?? ref.id, region: ref.region }));
type DeletedDetectorTarget = z.infer<typeof DeletedDetectorTargetSchema>;

/** The region's detectors and their status (a region holds at most one detector per account). */
async function readRegionDetectors(
  target: DeletedDetectorTarget,
  ctx: PlaybookContext,
): Promise<{ detectorId: string; status: string }[]> {
  const client = ctx.clients(GuardDutyClient, target.region);
  const ids = (await client.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
  const detectors: { detectorId: string; status: string }[] = [];
  for (const detectorId of ids) {
    const output = await client.send(new GetDetectorCommand({ DetectorId: detectorId }));
    detectors.push({ detectorId, status: output.Status ?? 'UNKNOWN' });
  }
  return detectors;
}

/**
 * DeleteDetector: GuardDuty is off in the region and the detector's findings are gone. The fix creates an enabled
 * detector again (a new id; the old findings cannot come back). A region that already has a detector again (someone
 * re-created it, or the organization's auto-enable did) gets no write; a suspended one is left to
 * guardduty.enable-detector, which its UpdateDetector event triggers.
 */
const recreateDetector = definePlaybookImplementation({
  id: 'guardduty.recreate-detector',
  permissions: ['guardduty:ListDetectors', 'guardduty:GetDetector', 'guardduty:CreateDetector'],
  // Forward-only: undoing it would delete the detector again.
  rollbackPermissions: [],
  target: DeletedDetectorTargetSchema,
  state: z.object({
    deletedDetectorId: z.string(),
    detectors: z.array(z.object({ detectorId: z.string(), status: z.string() })),
  }),
  async snapshot(target, ctx) {
    return { deletedDetectorId: target.deletedDetectorId, detectors: await readRegionDetectors(target, ctx) };
  },
  async apply(target, _state, ctx) {
    const existing = await readRegionDetectors(target, ctx);
    if (existing.length > 0) return { status: 'already-compliant', changes: [] };
    const created = await ctx
      .clients(GuardDutyClient, target.region)
      .send(new CreateDetectorCommand({ Enable: true }));
    return {
      status: 'applied',
      changes: [
        `CreateDetector in ${target.region}: Enable true (new detector ${created.DetectorId ?? 'unknown'}, replaces deleted ${target.deletedDetectorId})`,
      ],
    };
  },
  async verify(target, ctx) {
    const detectors = await readRegionDetectors(target, ctx);
    const enabled = detectors.find((detector) => detector.status === 'ENABLED');
    return {
      converged: enabled !== undefined,
      observed: { region: target.region, detectors },
      details: enabled
        ? `GuardDuty detector ${enabled.detectorId} is ENABLED in ${target.region}.`
        : detectors.length === 0
          ? `No GuardDuty detector exists in ${target.region}.`
          : `The GuardDuty detector in ${target.region} is ${detectors.map((d) => d.status).join(', ')}.`,
    };
  },
});

export { enableDetector, recreateDetector, startRecorder };
