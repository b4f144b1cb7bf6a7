import type { SecuritySignal } from '../schemas/security-signal.js';
import type { DetectionCategory, DetectionHit } from '../schemas/stages.js';

/**
 * How AISAWS responds to a finding: the detection id it files the finding under and the playbook that fixes it (or
 * none: alert only). The same decision policy then decides, as for a CloudTrail detection. Data plus small pure
 * matchers, like the CloudTrail catalog; `FINDING_RESPONSES` is also what the EventBridge rules and the docs list.
 */

interface FindingResponse {
  /** Dotted id, `finding.<what>`. */
  readonly id: string;
  readonly title: string;
  readonly category: DetectionCategory;
  readonly mitre: readonly string[];
  /** The playbook, or null: alert only (the finding's own remediation text goes into the alert). */
  readonly playbook: string | null;
  /** GuardDuty types / Security Hub control ids it answers, for the docs and the rule patterns. */
  readonly answers: readonly string[];
  /** Pure: does this finding get this response? Responses are tried in order, the first that matches wins. */
  readonly matches: (signal: SecuritySignal) => boolean;
  /** When the playbook cannot target the resource from what the finding says: why (then alert only). */
  readonly untargetable?: (signal: SecuritySignal) => string | undefined;
}

const gd = (signal: SecuritySignal, pattern: RegExp): boolean =>
  signal.productName === 'GuardDuty' && pattern.test(signal.type);
/** A failed Security Hub control check with one of these ids. */
const control = (signal: SecuritySignal, ids: readonly string[]): boolean =>
  signal.controlId !== undefined && signal.compliance === 'FAILED' && ids.includes(signal.controlId);

const ROLE_CREDENTIAL_TYPES =
  /^UnauthorizedAccess:IAMUser\/(?:InstanceCredentialExfiltration\.(?:OutsideAWS|InsideAWS)|MaliciousIPCaller(?:\.Custom)?)$/;
const USER_KEY_TYPES = /^(?:Recon|UnauthorizedAccess|Exfiltration):IAMUser\//;
const INSTANCE_TYPES = /^(?:Backdoor|CryptoCurrency|Trojan|UnauthorizedAccess):EC2\//;

const FINDING_RESPONSES: readonly FindingResponse[] = Object.freeze([
  {
    id: 'finding.role-credentials-compromised',
    title: "A role's temporary credentials are used by someone else",
    category: 'CRD',
    mitre: ['T1552.005', 'T1078.004'],
    playbook: 'iam.revoke-role-sessions',
    answers: [
      'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
      'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS',
      'UnauthorizedAccess:IAMUser/MaliciousIPCaller (on a role)',
    ],
    matches: (s) => gd(s, ROLE_CREDENTIAL_TYPES) && s.resource.type === 'AWS::IAM::Role',
  },
  {
    id: 'finding.access-key-compromised',
    title: "An IAM user's access key is used for reconnaissance, unauthorised access or exfiltration",
    category: 'CRD',
    mitre: ['T1078.004'],
    playbook: 'iam.deactivate-access-key',
    answers: [
      'Recon:IAMUser/*',
      'UnauthorizedAccess:IAMUser/*',
      'Exfiltration:IAMUser/* (on an IAM user key)',
    ],
    matches: (s) => gd(s, USER_KEY_TYPES) && s.resource.type === 'AWS::IAM::AccessKey',
    untargetable: (s) =>
      typeof s.resource.details.userName === 'string'
        ? undefined
        : 'the finding names no IAM user for the key',
  },
  {
    id: 'finding.instance-compromised',
    title: 'An EC2 instance shows backdoor, crypto-mining, trojan or unauthorised-access behaviour',
    category: 'EXE',
    mitre: ['T1496', 'T1071'],
    playbook: 'ec2.isolate-instance',
    answers: ['Backdoor:EC2/*', 'CryptoCurrency:EC2/*', 'Trojan:EC2/*', 'UnauthorizedAccess:EC2/*'],
    matches: (s) => gd(s, INSTANCE_TYPES) && s.resource.type === 'AWS::EC2::Instance',
  },
  {
    id: 'finding.s3-bucket-public',
    title: 'An S3 bucket is readable or writable by anyone',
    category: 'EXP',
    mitre: ['T1530'],
    playbook: 's3.make-bucket-private',
    answers: [
      'Policy:S3/BucketAnonymousAccessGranted',
      'Policy:S3/BucketPublicAccessGranted',
      'S3.2',
      'S3.3',
    ],
    matches: (s) =>
      s.resource.type === 'AWS::S3::Bucket' &&
      (gd(s, /^Policy:S3\/Bucket(?:Anonymous|Public)AccessGranted$/) || control(s, ['S3.2', 'S3.3'])),
  },
  {
    id: 'finding.s3-bucket-public-access-block-off',
    title: "An S3 bucket's Block Public Access is turned off",
    category: 'EXP',
    mitre: ['T1530'],
    playbook: 's3.restore-bucket-public-access-block',
    answers: ['Policy:S3/BucketBlockPublicAccessDisabled', 'S3.8'],
    matches: (s) =>
      s.resource.type === 'AWS::S3::Bucket' &&
      (gd(s, /^Policy:S3\/BucketBlockPublicAccessDisabled$/) || control(s, ['S3.8'])),
  },
  {
    id: 'finding.s3-account-public-access-block-off',
    title: "The account's S3 Block Public Access is turned off",
    category: 'EXP',
    mitre: ['T1530'],
    playbook: 's3.restore-account-public-access-block',
    answers: ['Policy:S3/AccountBlockPublicAccessDisabled', 'S3.1'],
    matches: (s) => gd(s, /^Policy:S3\/AccountBlockPublicAccessDisabled$/) || control(s, ['S3.1']),
  },
  {
    id: 'finding.security-group-open',
    title: 'A security group allows ingress from anywhere',
    category: 'EXP',
    mitre: ['T1133'],
    playbook: 'ec2.revoke-world-open-ingress',
    answers: ['EC2.13', 'EC2.14', 'EC2.18', 'EC2.19'],
    matches: (s) =>
      s.resource.type === 'AWS::EC2::SecurityGroup' && control(s, ['EC2.13', 'EC2.14', 'EC2.18', 'EC2.19']),
    untargetable: (s) =>
      Array.isArray(s.resource.details.openRules) && s.resource.details.openRules.length > 0
        ? undefined
        : 'the finding lists no world-open rule to revoke',
  },
  {
    id: 'finding.cloudtrail-logging-disabled',
    title: 'CloudTrail logging was turned off',
    category: 'LOG',
    mitre: ['T1562.008'],
    playbook: 'cloudtrail.start-logging',
    answers: ['Stealth:IAMUser/CloudTrailLoggingDisabled'],
    matches: (s) => gd(s, /^Stealth:IAMUser\/CloudTrailLoggingDisabled$/),
    untargetable: (s) =>
      typeof s.resource.details.trailArn === 'string' ? undefined : 'the finding names no trail',
  },
]);

/** GuardDuty's threat purpose → the catalog's category, for findings AISAWS only alerts on. */
const PURPOSE_CATEGORY: Readonly<Record<string, DetectionCategory>> = {
  Backdoor: 'EXE',
  Behavior: 'DIS',
  CryptoCurrency: 'HIJ',
  CredentialAccess: 'CRD',
  DefenseEvasion: 'DEF',
  Discovery: 'DIS',
  Execution: 'EXE',
  Exfiltration: 'EXF',
  Impact: 'IMP',
  InitialAccess: 'IDN',
  Persistence: 'PER',
  Policy: 'HRD',
  PrivilegeEscalation: 'PRV',
  Recon: 'DIS',
  Stealth: 'DEF',
  Trojan: 'EXE',
  UnauthorizedAccess: 'CRD',
};

const ALERT_ONLY_ID = 'finding.alert-only';

function alertOnlyCategory(signal: SecuritySignal): DetectionCategory {
  if (signal.productName === 'GuardDuty') return PURPOSE_CATEGORY[signal.type.split(':')[0] ?? ''] ?? 'DIS';
  return signal.type.startsWith('Software and Configuration Checks') ? 'HRD' : 'DIS';
}

/** The detection hit of a finding: its response (with the resource and playbook), or an alert-only hit. */
function findingDetection(signal: SecuritySignal): DetectionHit {
  const response = FINDING_RESPONSES.find((candidate) => candidate.matches(signal));
  const evidence: Record<string, unknown> = {
    source: signal.source,
    product: signal.productName,
    findingId: signal.findingId,
    findingType: signal.type,
    severity: `${signal.severity.label} (${signal.severity.original})`,
    ...(signal.remediation ? { remediation: signal.remediation } : {}),
  };
  const summary = `${signal.productName}: ${signal.title}`;
  if (!response)
    return {
      id: ALERT_ONLY_ID,
      title: `${signal.productName} finding AISAWS has no fix for`,
      category: alertOnlyCategory(signal),
      mitre: [],
      severity: signal.severity.normalized,
      summary,
      resource: signal.resource,
      playbook: null,
      actionable: true,
      evidence,
    };
  const untargetable = response.untargetable?.(signal);
  if (untargetable) evidence.untargetable = untargetable;
  return {
    id: response.id,
    title: response.title,
    category: response.category,
    mitre: [...response.mitre],
    severity: signal.severity.normalized,
    summary,
    resource: untargetable ? null : signal.resource,
    playbook: untargetable ? null : response.playbook,
    actionable: true,
    evidence,
  };
}

export type { FindingResponse };
export { ALERT_ONLY_ID, FINDING_RESPONSES, findingDetection };
