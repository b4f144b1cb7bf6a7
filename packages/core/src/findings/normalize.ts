import { findingEventIdOf } from '../events/finding-event-id.js';
import type { FindingSeverityLabel, SecuritySignal } from '../schemas/security-signal.js';
import type { AsffFinding, AsffResource } from './asff.js';
import type { GuardDutyFinding } from './guardduty.js';

/** One problem with a finding, like a zod issue: the dotted path and what is wrong. */
interface FindingIssue {
  readonly path: string;
  readonly message: string;
}

/** A finding that parsed but cannot be read as a security signal (no usable resource, unknown resource kind …). */
class FindingNormalizationError extends Error {
  readonly issues: readonly FindingIssue[];
  constructor(issues: readonly FindingIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '));
    this.name = 'FindingNormalizationError';
    this.issues = issues;
  }
}

const fail = (path: string, message: string): never => {
  throw new FindingNormalizationError([{ path, message }]);
};

type SignalResource = SecuritySignal['resource'];

/** `2026-11-24T11:45:12Z` and `2026-11-24T11:45:12.000Z` are one instant: one key. */
const isoTime = (value: string): string => new Date(Date.parse(value)).toISOString();

/** The finding's event id (`findingEventIdOf`: id and normalised updatedAt). */
const idempotencyKeyOf = findingEventIdOf;

/** GuardDuty severity (0–10) → label, by GuardDuty's documented bands. */
function guardDutyLabel(severity: number): FindingSeverityLabel {
  if (severity >= 9) return 'CRITICAL';
  if (severity >= 7) return 'HIGH';
  if (severity >= 4) return 'MEDIUM';
  if (severity >= 1) return 'LOW';
  return 'INFORMATIONAL';
}

/** ASFF Normalized (0–100) → label, by the bands of the ASFF Severity attribute. */
function asffLabel(normalized: number): FindingSeverityLabel {
  if (normalized >= 90) return 'CRITICAL';
  if (normalized >= 70) return 'HIGH';
  if (normalized >= 40) return 'MEDIUM';
  if (normalized >= 1) return 'LOW';
  return 'INFORMATIONAL';
}

/** The lower bound of a label's ASFF band, in [0, 1]. */
const LABEL_FLOOR: Readonly<Record<FindingSeverityLabel, number>> = {
  INFORMATIONAL: 0,
  LOW: 0.01,
  MEDIUM: 0.4,
  HIGH: 0.7,
  CRITICAL: 0.9,
};

const isAisaws = (value: string | undefined): boolean =>
  value !== undefined && /^aisaws\b/i.test(value.trim());

/** Why a finding is never acted on, or null. Order: ours, sample, archived (the most specific reason first). */
function ignoredBecause(flags: {
  ours: boolean;
  sample: boolean;
  archived: boolean;
  where: string;
  closed?: string;
}): string | null {
  if (flags.ours)
    return `published by AISAWS itself (${flags.where}): never acted on, so AISAWS cannot loop on its own output`;
  if (flags.sample) return `a sample finding (${flags.where}): generated for testing, never acted on`;
  if (flags.archived) return `an archived finding (${flags.where}): suppressed by its owner, never acted on`;
  if (flags.closed) return flags.closed;
  return null;
}

const ACCESS_KEY_ID = /^A[KS]IA[A-Z0-9]{12,}$/;

/** The last path segment of an ARN resource (`…:role/path/name` → `name`, `…:trail/main` → `main`). */
const lastSegment = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1) || arn;
const regionOfArn = (arn: string): string | undefined => arn.split(':')[3] || undefined;

/** The resource of a GuardDuty access-key finding: a user's key, a role's sessions, or the root user. */
function guardDutyAccessKeyResource(finding: GuardDutyFinding): SignalResource {
  const details = finding.resource.accessKeyDetails;
  if (!details) return fail('resource.accessKeyDetails', 'missing for resourceType AccessKey');
  const base = { account: finding.accountId, region: finding.region };
  const { accessKeyId, principalId, userName, userType } = details;
  if (userType === 'AssumedRole') {
    if (!userName) return fail('resource.accessKeyDetails.userName', 'missing: the role name is needed');
    return {
      ...base,
      type: 'AWS::IAM::Role',
      id: userName,
      details: {
        roleName: userName,
        // iam.revoke-role-sessions verifies that its deny covers sessions issued up to the finding's last update.
        observedAt: isoTime(finding.updatedAt),
        ...(accessKeyId ? { accessKeyId } : {}),
        ...(principalId ? { principalId } : {}),
      },
    };
  }
  if (userType === 'Root')
    return {
      ...base,
      type: 'AWS::::Account',
      id: finding.accountId,
      details: { accountId: finding.accountId },
    };
  if (!accessKeyId)
    return fail('resource.accessKeyDetails.accessKeyId', 'missing: the access key id is needed');
  return {
    ...base,
    type: 'AWS::IAM::AccessKey',
    id: accessKeyId,
    details: {
      accessKeyId,
      ...(userName ? { userName } : {}),
      ...(principalId ? { principalId } : {}),
      ...(userType ? { userType } : {}),
    },
  };
}

/** GuardDuty resourceType → the ResourceRef AISAWS acts on. Unknown kinds are refused with the list of known ones. */
function guardDutyResource(finding: GuardDutyFinding): SignalResource {
  const { resource } = finding;
  const base = { account: finding.accountId, region: finding.region };
  switch (resource.resourceType) {
    case 'AccessKey':
      return guardDutyAccessKeyResource(finding);
    case 'Instance': {
      const instance = resource.instanceDetails;
      if (!instance) return fail('resource.instanceDetails', 'missing for resourceType Instance');
      const interfaces = instance.networkInterfaces ?? [];
      const securityGroupIds = [
        ...new Set(
          interfaces.flatMap((eni) =>
            (eni.securityGroups ?? []).flatMap((sg) => (sg.groupId ? [sg.groupId] : [])),
          ),
        ),
      ];
      const vpcId = interfaces.find((eni) => eni.vpcId)?.vpcId;
      return {
        ...base,
        type: 'AWS::EC2::Instance',
        id: instance.instanceId,
        arn: `arn:${finding.partition ?? 'aws'}:ec2:${finding.region}:${finding.accountId}:instance/${instance.instanceId}`,
        details: {
          instanceId: instance.instanceId,
          securityGroupIds,
          ...(vpcId ? { vpcId } : {}),
          ...(instance.iamInstanceProfile?.arn
            ? { instanceProfileArn: instance.iamInstanceProfile.arn }
            : {}),
        },
      };
    }
    case 'S3Bucket': {
      const bucket = resource.s3BucketDetails?.[0];
      if (!bucket) return fail('resource.s3BucketDetails', 'missing or empty for resourceType S3Bucket');
      return {
        ...base,
        type: 'AWS::S3::Bucket',
        id: bucket.name,
        ...(bucket.arn ? { arn: bucket.arn } : {}),
        details: { bucket: bucket.name },
      };
    }
    case 'EKSCluster': {
      const cluster = resource.eksClusterDetails;
      if (!cluster) return fail('resource.eksClusterDetails', 'missing for resourceType EKSCluster');
      return {
        ...base,
        type: 'AWS::EKS::Cluster',
        id: cluster.name,
        ...(cluster.arn ? { arn: cluster.arn } : {}),
        details: {},
      };
    }
    case 'Lambda': {
      const fn = resource.lambdaDetails;
      if (!fn) return fail('resource.lambdaDetails', 'missing for resourceType Lambda');
      return {
        ...base,
        type: 'AWS::Lambda::Function',
        id: fn.functionName,
        ...(fn.functionArn ? { arn: fn.functionArn } : {}),
        details: {},
      };
    }
    case 'RDSDBInstance': {
      const db = resource.rdsDbInstanceDetails;
      if (!db) return fail('resource.rdsDbInstanceDetails', 'missing for resourceType RDSDBInstance');
      return {
        ...base,
        type: 'AWS::RDS::DBInstance',
        id: db.dbInstanceIdentifier,
        ...(db.dbInstanceArn ? { arn: db.dbInstanceArn } : {}),
        details: {},
      };
    }
    case 'ECSCluster': {
      const cluster = resource.ecsClusterDetails;
      if (!cluster) return fail('resource.ecsClusterDetails', 'missing for resourceType ECSCluster');
      return {
        ...base,
        type: 'AWS::ECS::Cluster',
        id: cluster.name,
        ...(cluster.arn ? { arn: cluster.arn } : {}),
        details: {},
      };
    }
    default:
      return fail(
        'resource.resourceType',
        `${JSON.stringify(resource.resourceType)} is not a resource kind AISAWS reads (AccessKey, Instance, S3Bucket, EKSCluster, Lambda, RDSDBInstance, ECSCluster)`,
      );
  }
}

const GUARDDUTY_REMEDIATION_URL = 'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_remediate.html';

const sampleFlag = (value: boolean | string | undefined): boolean => value === true || value === 'true';

/** A parsed GuardDuty finding → the normalised signal (throws FindingNormalizationError). */
function guardDutyToSignal(finding: GuardDutyFinding): SecuritySignal {
  const updatedAt = isoTime(finding.updatedAt);
  const label = guardDutyLabel(finding.severity);
  const details = finding.resource.accessKeyDetails;
  const apiCall = finding.service?.action?.awsApiCallAction;
  const remoteIp =
    apiCall?.remoteIpDetails?.ipAddressV4 ??
    finding.service?.action?.networkConnectionAction?.remoteIpDetails?.ipAddressV4;
  const resource = guardDutyResource(finding);
  const trailArn = apiCall?.affectedResources?.['AWS::CloudTrail::Trail'];
  if (trailArn) resource.details = { ...resource.details, trailArn };
  const signal: SecuritySignal = {
    source: 'guardduty',
    productName: 'GuardDuty',
    findingId: finding.id,
    updatedAt,
    createdAt: isoTime(finding.createdAt),
    idempotencyKey: idempotencyKeyOf(finding.id, updatedAt),
    type: finding.type,
    generatorId: finding.service?.detectorId ?? 'guardduty',
    title: finding.title ?? finding.type,
    description: finding.description ?? finding.title ?? finding.type,
    severity: { label, normalized: finding.severity / 10, original: String(finding.severity) },
    account: finding.accountId,
    region: finding.region,
    resource,
    ignoredBecause: ignoredBecause({
      ours: false,
      sample: sampleFlag(finding.service?.additionalInfo?.sample),
      archived: finding.service?.archived === true,
      where: sampleFlag(finding.service?.additionalInfo?.sample)
        ? 'service.additionalInfo.sample = true'
        : 'service.archived = true',
    }),
  };
  if (details?.userType)
    signal.actor = {
      type: details.userType,
      ...(details.userName ? { userName: details.userName } : {}),
      ...(details.principalId ? { principalId: details.principalId } : {}),
      ...(details.accessKeyId ? { accessKeyId: details.accessKeyId } : {}),
    };
  if (remoteIp) signal.remoteIp = remoteIp;
  if (apiCall?.api) signal.api = apiCall.api;
  // A GuardDuty finding carries no advice of its own; GuardDuty's guide has one remediation page per resource kind.
  signal.remediation = {
    text: `Follow GuardDuty's remediation steps for ${finding.resource.resourceType} findings (${finding.type}).`,
    url: GUARDDUTY_REMEDIATION_URL,
  };
  return signal;
}

/** A GuardDuty finding inside ASFF: Types carry `…/ThreatPurpose:ResourceType-ThreatFamily…` for the GuardDuty type. */
function guardDutyTypeFromAsff(types: readonly string[]): string | undefined {
  for (const type of types) {
    const last = type.slice(type.lastIndexOf('/') + 1);
    const match = /^([A-Za-z]+:[A-Za-z0-9]+)-(.+)$/.exec(last);
    if (match) return `${match[1]}/${match[2]}`;
  }
  return undefined;
}

const isGuardDutyProduct = (finding: AsffFinding): boolean =>
  finding.ProductName === 'GuardDuty' || /\/aws\/guardduty$/.test(finding.ProductArn);

/** ASFF resource → ResourceRef. Types AISAWS has no playbook for keep their ASFF name (`ASFF::AwsEksCluster`). */
function asffResource(finding: AsffFinding, resource: AsffResource): SignalResource {
  const region = resource.Region ?? finding.Region ?? 'unknown';
  const base = { account: finding.AwsAccountId, region };
  const id = resource.Id;
  const arn = id.startsWith('arn:') ? { arn: id } : {};
  switch (resource.Type) {
    case 'AwsS3Bucket': {
      const bucket = id.startsWith('arn:') ? id.slice(id.lastIndexOf(':') + 1) : id;
      return { ...base, type: 'AWS::S3::Bucket', id: bucket, ...arn, details: { bucket } };
    }
    case 'AwsEc2SecurityGroup': {
      const group = resource.Details?.AwsEc2SecurityGroup;
      const groupId = group?.GroupId ?? lastSegment(id);
      const openRules = (group?.IpPermissions ?? []).flatMap((permission) =>
        [
          ...(permission.IpRanges ?? []).map((range) => range.CidrIp),
          ...(permission.Ipv6Ranges ?? []).map((range) => range.CidrIpv6),
        ]
          .filter((cidr): cidr is string => cidr !== undefined && Number(cidr.split('/')[1]) === 0)
          .map((cidr) => ({
            cidr,
            ipProtocol: permission.IpProtocol ?? '-1',
            ...(permission.FromPort === undefined ? {} : { fromPort: permission.FromPort }),
            ...(permission.ToPort === undefined ? {} : { toPort: permission.ToPort }),
          })),
      );
      return {
        ...base,
        type: 'AWS::EC2::SecurityGroup',
        id: groupId,
        ...arn,
        details: { groupId, openRules },
      };
    }
    case 'AwsEc2Instance': {
      const instanceId = lastSegment(id);
      return { ...base, type: 'AWS::EC2::Instance', id: instanceId, ...arn, details: { instanceId } };
    }
    case 'AwsIamAccessKey': {
      const key = resource.Details?.AwsIamAccessKey;
      const principal = key?.PrincipalName ?? key?.UserName;
      const accessKeyId = key?.AccessKeyId ?? (ACCESS_KEY_ID.test(id) ? id : undefined);
      if (key?.PrincipalType === 'AssumedRole' && principal)
        return {
          ...base,
          type: 'AWS::IAM::Role',
          id: principal,
          details: {
            roleName: principal,
            observedAt: isoTime(finding.UpdatedAt),
            ...(accessKeyId ? { accessKeyId } : {}),
          },
        };
      if (!accessKeyId)
        return fail(
          'Resources.0.Details.AwsIamAccessKey.AccessKeyId',
          'missing: the access key id is needed',
        );
      return {
        ...base,
        type: 'AWS::IAM::AccessKey',
        id: accessKeyId,
        details: { accessKeyId, ...(principal ? { userName: principal } : {}) },
      };
    }
    case 'AwsIamRole': {
      const roleName = lastSegment(id);
      return { ...base, type: 'AWS::IAM::Role', id: roleName, ...arn, details: { roleName } };
    }
    case 'AwsIamUser': {
      const userName = lastSegment(id);
      return { ...base, type: 'AWS::IAM::User', id: userName, ...arn, details: { userName } };
    }
    case 'AwsCloudTrailTrail': {
      const trail = resource.Details?.AwsCloudTrailTrail;
      const trailName = trail?.Name ?? lastSegment(id);
      const homeRegion = trail?.HomeRegion ?? (id.startsWith('arn:') ? regionOfArn(id) : undefined);
      return {
        ...base,
        type: 'AWS::CloudTrail::Trail',
        id: trailName,
        ...arn,
        details: {
          trailName,
          ...(id.startsWith('arn:') ? { trailArn: id } : {}),
          ...(homeRegion ? { homeRegion } : {}),
        },
      };
    }
    case 'AwsAccount':
      return {
        ...base,
        type: 'AWS::::Account',
        id: finding.AwsAccountId,
        details: { accountId: finding.AwsAccountId },
      };
    default:
      return { ...base, type: `ASFF::${resource.Type}`, id, ...arn, details: {} };
  }
}

/** `security-control/S3.8`, `aws-foundational-security-best-practices/v/1.0.0/S3.8`, or Compliance.SecurityControlId. */
function controlIdOf(finding: AsffFinding): string | undefined {
  if (finding.Compliance?.SecurityControlId) return finding.Compliance.SecurityControlId;
  const match = /(?:^security-control|\/v\/[\d.]+)\/([A-Za-z0-9]+\.\d+)$/.exec(finding.GeneratorId);
  return match?.[1];
}

/** A control that passed, or a finding its owner resolved or suppressed: there is nothing left to act on. */
function closedBecause(finding: AsffFinding): { closed?: string } {
  const compliance = finding.Compliance?.Status;
  if (compliance && compliance !== 'FAILED' && compliance !== 'WARNING')
    return {
      closed: `a control check that did not fail (Compliance.Status = ${compliance}): nothing to act on`,
    };
  const workflow = finding.Workflow?.Status;
  if (workflow === 'RESOLVED' || workflow === 'SUPPRESSED')
    return { closed: `a finding its owner set to ${workflow} (Workflow.Status): never acted on` };
  return {};
}

/** The GuardDuty finding id inside a GuardDuty ASFF `Id` (`arn:aws:guardduty:…:detector/…/finding/<id>`). */
const guardDutyIdFromArn = (id: string): string | undefined => /\/finding\/([^/]+)$/.exec(id)?.[1];

/** A parsed ASFF finding → the normalised signal (throws FindingNormalizationError). */
function asffToSignal(finding: AsffFinding): SecuritySignal {
  const updatedAt = isoTime(finding.UpdatedAt);
  const types = finding.Types ?? [];
  const guardDuty = isGuardDutyProduct(finding);
  const findingId = (guardDuty ? guardDutyIdFromArn(finding.Id) : undefined) ?? finding.Id;
  const primary = finding.Resources[0];
  if (!primary) return fail('Resources', 'is empty: the finding names no resource');
  const severity = finding.Severity;
  const label = severity.Label ?? asffLabel(severity.Normalized ?? 0);
  const normalized = severity.Normalized === undefined ? LABEL_FLOOR[label] : severity.Normalized / 100;
  const controlId = controlIdOf(finding);
  const sample =
    finding.Sample === true ||
    sampleFlag(finding.ProductFields?.['aws/guardduty/service/additionalInfo/sample']);
  const ours =
    isAisaws(finding.ProductName) || isAisaws(finding.GeneratorId) || isAisaws(finding.CompanyName);
  const signal: SecuritySignal = {
    source: 'securityhub',
    productName: finding.ProductName ?? (guardDuty ? 'GuardDuty' : finding.ProductArn),
    findingId,
    updatedAt,
    createdAt: isoTime(finding.CreatedAt),
    idempotencyKey: idempotencyKeyOf(findingId, updatedAt),
    type: (guardDuty ? guardDutyTypeFromAsff(types) : undefined) ?? types[0] ?? finding.GeneratorId,
    generatorId: finding.GeneratorId,
    ...(controlId ? { controlId } : {}),
    ...(finding.Compliance?.Status ? { compliance: finding.Compliance.Status } : {}),
    title: finding.Title,
    description: finding.Description,
    severity: { label, normalized, original: severity.Original ?? String(severity.Normalized ?? label) },
    account: finding.AwsAccountId,
    region: primary.Region ?? finding.Region ?? 'unknown',
    resource: asffResource(finding, primary),
    ignoredBecause: ignoredBecause({
      ours,
      sample,
      archived: finding.RecordState === 'ARCHIVED',
      ...closedBecause(finding),
      where: ours
        ? `ProductName ${finding.ProductName ?? '-'}, GeneratorId ${finding.GeneratorId}`
        : sample
          ? 'Sample = true'
          : 'RecordState = ARCHIVED',
    }),
  };
  const key = primary.Details?.AwsIamAccessKey;
  if (primary.Type === 'AwsIamAccessKey' && key?.PrincipalType)
    signal.actor = {
      type: key.PrincipalType,
      ...((key.PrincipalName ?? key.UserName) ? { userName: key.PrincipalName ?? key.UserName } : {}),
      ...(signal.resource.details.accessKeyId
        ? { accessKeyId: String(signal.resource.details.accessKeyId) }
        : {}),
    };
  const remoteIp =
    finding.Action?.AwsApiCallAction?.RemoteIpDetails?.IpAddressV4 ??
    finding.ProductFields?.['aws/guardduty/service/action/awsApiCallAction/remoteIpDetails/ipAddressV4'];
  if (remoteIp) signal.remoteIp = remoteIp;
  if (finding.Action?.AwsApiCallAction?.Api) signal.api = finding.Action.AwsApiCallAction.Api;
  const recommendation = finding.Remediation?.Recommendation;
  if (recommendation?.Text || recommendation?.Url)
    signal.remediation = {
      ...(recommendation.Text ? { text: recommendation.Text } : {}),
      ...(recommendation.Url ? { url: recommendation.Url } : {}),
    };
  return signal;
}

export type { FindingIssue };
export {
  asffToSignal,
  FindingNormalizationError,
  guardDutyLabel,
  guardDutyToSignal,
  guardDutyTypeFromAsff,
  idempotencyKeyOf,
};
