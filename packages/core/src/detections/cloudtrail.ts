import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import type { ResourceRef } from '../schemas/stages.js';
import { defineDetection } from './define.js';
import { isFailedCall } from './guards.js';
import {
  bool,
  isObject,
  list,
  pick,
  regionOf,
  request,
  resourceRef,
  response,
  str,
  strings,
} from './read.js';

const CLOUDTRAIL = 'cloudtrail.amazonaws.com';
const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

/**
 * The trail a request names, as the playbooks need it: name, ARN when known, and the home region (StartLogging
 * must run there, trap T10). A trail ARN carries its home region; a bare name is assumed to live in the record's
 * region, which is true for calls made against the home region (the only place most trail changes are accepted).
 */
function trailRef(record: CloudTrailRecord, nameOrArn: string): ResourceRef {
  const match = TRAIL_ARN.exec(nameOrArn);
  const responseArn = str(response(record).trailARN) ?? str(response(record).trailArn);
  const arn = match ? nameOrArn : responseArn;
  const arnMatch = arn ? TRAIL_ARN.exec(arn) : null;
  const name = match?.[3] ?? nameOrArn;
  const homeRegion = arnMatch?.[1] ?? regionOf(record);
  return resourceRef(
    record,
    'AWS::CloudTrail::Trail',
    name,
    { trailName: name, homeRegion, homeRegionFromArn: arnMatch !== null },
    arn,
  );
}

const trailNameOf = (record: CloudTrailRecord): string | undefined =>
  str(request(record).name) ?? str(request(record).trailName) ?? str(request(record).trailARN);

const cloudtrailLoggingStopped = defineDetection({
  id: 'cloudtrail.logging-stopped',
  title: 'CloudTrail logging stopped',
  category: 'LOG',
  mitre: ['T1562.008'],
  severity: 0.95,
  description: 'StopLogging on a trail: API activity is no longer recorded.',
  triggers: [{ eventSource: CLOUDTRAIL, eventNames: ['StopLogging'] }],
  playbook: 'cloudtrail.start-logging',
  match(record) {
    const name = trailNameOf(record);
    if (!name) return null;
    const resource = trailRef(record, name);
    return { resource, summary: `CloudTrail trail ${resource.id} stopped logging` };
  },
});

const cloudtrailTrailDeleted = defineDetection({
  id: 'cloudtrail.trail-deleted',
  title: 'CloudTrail trail deleted',
  category: 'LOG',
  mitre: ['T1562.008'],
  severity: 0.95,
  description:
    'DeleteTrail: the trail and its configuration are gone; re-creating it needs the inventory (bucket, KMS key).',
  triggers: [{ eventSource: CLOUDTRAIL, eventNames: ['DeleteTrail'] }],
  playbook: 'cloudtrail.recreate-trail',
  match(record) {
    const name = trailNameOf(record);
    if (!name) return null;
    const resource = trailRef(record, name);
    return { resource, summary: `CloudTrail trail ${resource.id} deleted` };
  },
});

/** The coverage or integrity settings an UpdateTrail request turns off. */
function weakenedTrailSettings(record: CloudTrailRecord): string[] {
  const req = request(record);
  const out: string[] = [];
  if (bool(req.isMultiRegionTrail) === false) out.push('multi-region off');
  if (bool(req.includeGlobalServiceEvents) === false) out.push('global service events off');
  if (bool(req.enableLogFileValidation) === false) out.push('log file validation off');
  if (req.kmsKeyId === '') out.push('KMS encryption removed');
  if (req.cloudWatchLogsLogGroupArn === '') out.push('CloudWatch Logs delivery removed');
  return out;
}

const cloudtrailTrailWeakened = defineDetection({
  id: 'cloudtrail.trail-weakened',
  title: 'CloudTrail trail coverage or integrity reduced',
  category: 'LOG',
  mitre: ['T1562.008'],
  severity: 0.8,
  description:
    'UpdateTrail turning off multi-region logging, global service events or log file validation, or removing KMS encryption or CloudWatch Logs delivery.',
  triggers: [{ eventSource: CLOUDTRAIL, eventNames: ['UpdateTrail'] }],
  playbook: null,
  match(record) {
    const name = trailNameOf(record);
    if (!name) return null;
    const weakened = weakenedTrailSettings(record);
    if (weakened.length === 0) return null;
    const resource = trailRef(record, name);
    resource.details = { ...resource.details, weakened };
    return {
      resource,
      summary: `CloudTrail trail ${resource.id} weakened: ${weakened.join(', ')}`,
      evidence: { weakened },
    };
  },
});

/** True when a classic selector list still records all management events. */
function recordsAllManagementEvents(selectors: unknown[]): boolean {
  return selectors.some(
    (selector) =>
      bool(pick(selector, 'includeManagementEvents', 'IncludeManagementEvents')) === true &&
      (str(pick(selector, 'readWriteType', 'ReadWriteType')) ?? 'All') === 'All' &&
      strings(pick(selector, 'excludeManagementEventSources', 'ExcludeManagementEventSources')).length === 0,
  );
}

/** True when some advanced selector records management events (eventCategory = Management, no readOnly filter). */
function advancedRecordsManagementEvents(selectors: unknown[]): boolean {
  return selectors.some((selector) => {
    const fields = list(pick(selector, 'fieldSelectors', 'FieldSelectors'));
    const category = fields.find((f) => str(pick(f, 'field', 'Field')) === 'eventCategory');
    if (!strings(pick(category, 'equals', 'Equals')).includes('Management')) return false;
    const narrowing = fields.filter((f) => {
      const field = str(pick(f, 'field', 'Field'));
      return field === 'readOnly' || field === 'eventSource';
    });
    return narrowing.length === 0;
  });
}

const cloudtrailManagementEventsExcluded = defineDetection({
  id: 'cloudtrail.management-events-excluded',
  title: 'CloudTrail management events dropped by event selectors',
  category: 'LOG',
  mitre: ['T1562.008'],
  severity: 0.85,
  description:
    'PutEventSelectors where no selector records all management events (includeManagementEvents true, readWriteType All, no excluded sources), or advanced selectors without an unrestricted Management category. A selector set that keeps all management events (e.g. a revert) does not fire.',
  triggers: [{ eventSource: CLOUDTRAIL, eventNames: ['PutEventSelectors'] }],
  playbook: 'cloudtrail.restore-management-events',
  match(record) {
    const req = request(record);
    const name = str(req.trailName);
    if (!name) return null;
    const classic = list(pick(req, 'eventSelectors', 'EventSelectors'));
    const advanced = list(pick(req, 'advancedEventSelectors', 'AdvancedEventSelectors'));
    if (classic.length === 0 && advanced.length === 0) return null;
    if (classic.length > 0 && recordsAllManagementEvents(classic)) return null;
    if (advanced.length > 0 && advancedRecordsManagementEvents(advanced)) return null;
    const resource = trailRef(record, name);
    resource.details = { ...resource.details, selectorKind: advanced.length > 0 ? 'advanced' : 'classic' };
    return { resource, summary: `CloudTrail trail ${resource.id} no longer records all management events` };
  },
});

/** Failed attempts to switch off audit logging or monitoring, by source: the attempt is the signal (trap T1). */
const TAMPER_CALLS: readonly { eventSource: string; eventNames: string[] }[] = [
  { eventSource: CLOUDTRAIL, eventNames: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'] },
  {
    eventSource: 'guardduty.amazonaws.com',
    eventNames: ['DeleteDetector', 'UpdateDetector', 'DisassociateFromMasterAccount'],
  },
  {
    eventSource: 'config.amazonaws.com',
    eventNames: ['StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel'],
  },
  { eventSource: 'ec2.amazonaws.com', eventNames: ['DeleteFlowLogs'] },
  { eventSource: 'route53resolver.amazonaws.com', eventNames: ['DeleteResolverQueryLogConfig'] },
];

const loggingTamperAttempt = defineDetection({
  id: 'logging.tamper-attempt',
  title: 'Failed attempt to switch off audit logging or monitoring',
  category: 'LOG',
  mitre: ['T1562.008', 'T1562.001'],
  severity: 0.5,
  description:
    'A denied or failed StopLogging, DeleteTrail, DeleteDetector, StopConfigurationRecorder, DeleteFlowLogs, … call. Nothing changed, but someone tried: never actionable, it raises the actor score.',
  triggers: TAMPER_CALLS,
  matchesFailures: true,
  playbook: null,
  match(record) {
    if (!isFailedCall(record)) return null;
    const req = request(record);
    const target =
      str(req.name) ??
      str(req.trailName) ??
      str(req.detectorId) ??
      str(req.configurationRecorderName) ??
      str(req.resolverQueryLogConfigId);
    return {
      resource: null,
      summary: `${record.eventName}${target ? ` on ${target}` : ''} was attempted`,
      evidence: {
        errorCode: record.errorCode,
        target: target ?? null,
        requestKeys: isObject(req) ? Object.keys(req) : [],
      },
    };
  },
});

export {
  cloudtrailLoggingStopped,
  cloudtrailManagementEventsExcluded,
  cloudtrailTrailDeleted,
  cloudtrailTrailWeakened,
  loggingTamperAttempt,
  trailRef,
};
