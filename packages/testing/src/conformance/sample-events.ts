import type { DetectionDefinition } from '@aisaws/core/detections';
import { toIngestedEvent } from '@aisaws/core/events';
import {
  type CloudTrailRecord,
  type DetectionHit,
  DetectionHitSchema,
  type IngestedEvent,
} from '@aisaws/core/schemas';
import { cloudTrailRecord } from '../fixtures/cloudtrail-record.js';
import { FIXTURE_ACCOUNT, FIXTURE_REGION, rootUser } from '../fixtures/identities.js';
import {
  benignDescribeInstances,
  bucketMadePublicByAcl,
  rootConsoleLoginWithoutMfa,
  securityGroupOpenToWorldOnSsh,
  trailLoggingStopped,
} from '../fixtures/named-records.js';

const RECEIVED_AT = '2026-11-24T10:15:31.000Z';

/** Fixed eventIDs, so two builds of the same sample are the same event (determinism checks rely on it). */
const fixed = (record: CloudTrailRecord, eventID: string): CloudTrailRecord => ({
  ...record,
  eventID,
  requestID: `${eventID}-request`,
});

/** The named fixture records through the real Detect stage (catalog + guards). */
function namedSampleEvents(): { name: string; event: IngestedEvent }[] {
  const samples: [string, CloudTrailRecord][] = [
    ['bucket made public by ACL', fixed(bucketMadePublicByAcl(), 'c0f0a001-0000-4000-8000-000000000001')],
    [
      'security group open to the world on 22',
      fixed(securityGroupOpenToWorldOnSsh(), 'c0f0a001-0000-4000-8000-000000000002'),
    ],
    ['CloudTrail StopLogging', fixed(trailLoggingStopped(), 'c0f0a001-0000-4000-8000-000000000003')],
    [
      'root console login without MFA',
      fixed(rootConsoleLoginWithoutMfa(), 'c0f0a001-0000-4000-8000-000000000004'),
    ],
    ['benign DescribeInstances', fixed(benignDescribeInstances(), 'c0f0a001-0000-4000-8000-000000000005')],
    [
      'failed (AccessDenied) PutBucketAcl',
      fixed(
        bucketMadePublicByAcl('aisaws-fixture-denied', {
          errorCode: 'AccessDenied',
          errorMessage: 'Access Denied',
        }),
        'c0f0a001-0000-4000-8000-000000000006',
      ),
    ],
  ];
  return samples.map(([name, record]) => ({
    name,
    event: toIngestedEvent(record, { receivedAt: RECEIVED_AT }),
  }));
}

/**
 * A DetectionHit built from the definition itself (base severity, a resource when the detection has a playbook):
 * lets a scorer be checked on every catalog detection without a matching CloudTrail record per detection.
 */
function syntheticHitFor(definition: DetectionDefinition): DetectionHit {
  return DetectionHitSchema.parse({
    id: definition.id,
    title: definition.title,
    category: definition.category,
    mitre: [...definition.mitre],
    severity: definition.severity,
    summary: `${definition.title} (conformance sample)`,
    resource:
      definition.playbook === null
        ? null
        : {
            type: 'AWS::::Account',
            id: FIXTURE_ACCOUNT,
            account: FIXTURE_ACCOUNT,
            region: FIXTURE_REGION,
            details: {},
          },
    playbook: definition.playbook,
    actionable: definition.playbook !== null,
    evidence: { conformance: true },
  });
}

/** An Ingest output whose record is one of the definition's triggers and whose only detection is that definition. */
function eventForDetection(definition: DetectionDefinition, index: number): IngestedEvent {
  const trigger = definition.triggers[0];
  const principalType = definition.principalTypes?.[0];
  const record = fixed(
    cloudTrailRecord({
      eventSource: trigger?.eventSource ?? 'signin.amazonaws.com',
      eventName: trigger?.eventNames[0] ?? 'ConsoleLogin',
      readOnly: false,
      ...(principalType === 'Root' ? { userIdentity: rootUser() } : {}),
    }),
    `c0f0d000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  );
  return {
    ...toIngestedEvent(record, { receivedAt: RECEIVED_AT }),
    detections: [syntheticHitFor(definition)],
  };
}

export { eventForDetection, namedSampleEvents, syntheticHitFor };
