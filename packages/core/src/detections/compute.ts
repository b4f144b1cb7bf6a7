import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import { defineDetection } from './define.js';
import { accountOf, list, num, pick, request, resourceRef, response, str, strings } from './read.js';

const EC2 = 'ec2.amazonaws.com';
const SSM = 'ssm.amazonaws.com';
const INSTANCE_CONNECT = 'ec2-instance-connect.amazonaws.com';
const BEDROCK = 'bedrock.amazonaws.com';

/** GPU / accelerator / high-memory families, bare metal, and very large sizes: the crypto-mining favourites. */
const UNUSUAL_FAMILY = /^(p\d|g\d|inf\d|trn\d|dl\d|x\d|u-|vt\d|f\d|hpc\d)/;
const LARGE_SIZE = /\.(metal(-\d+xl)?|(2[4-9]|[3-9]\d|\d{3})xlarge)$/;
const MASS_LAUNCH = 10;

function instanceTypeOf(record: CloudTrailRecord): string | undefined {
  const value = request(record).instanceType;
  return str(value) ?? str(pick(value, 'value'));
}

const ec2UnusualInstanceLaunch = defineDetection({
  id: 'ec2.unusual-instance-launch',
  title: 'GPU, very large or mass instance launch',
  category: 'HIJ',
  mitre: ['T1496', 'T1578.002'],
  severity: 0.6,
  description: `RunInstances with a GPU / accelerator / high-memory / bare-metal / ≥24xlarge type, or maxCount ≥ ${MASS_LAUNCH}. Failed attempts count (VcpuLimitExceeded, UnauthorizedOperation): a denied mining attempt is still an attempt.`,
  triggers: [{ eventSource: EC2, eventNames: ['RunInstances'] }],
  matchesFailures: true,
  playbook: null,
  match(record) {
    const type = instanceTypeOf(record) ?? '';
    const unusualType = UNUSUAL_FAMILY.test(type) || LARGE_SIZE.test(type);
    const count = Math.max(
      0,
      ...list(request(record).instancesSet).map((item) => num(pick(item, 'maxCount')) ?? 0),
    );
    const mass = count >= MASS_LAUNCH;
    if (!unusualType && !mass) return null;
    const launched = list(response(record).instancesSet).flatMap((item) => {
      const id = str(pick(item, 'instanceId'));
      return id ? [id] : [];
    });
    return {
      resource:
        launched.length > 0
          ? resourceRef(record, 'AWS::EC2::Instance', launched[0] as string, {
              instanceIds: launched,
              instanceType: type,
            })
          : null,
      summary: `RunInstances ${type || 'instances'} ×${count || 1}${record.errorCode ? '' : ` (${launched.length} launched)`}`,
      severity: unusualType && mass ? 0.75 : 0.6,
      evidence: { instanceType: type, maxCount: count },
    };
  },
});

const ec2UserDataModified = defineDetection({
  id: 'ec2.user-data-modified',
  title: 'EC2 instance user data replaced',
  category: 'EXE',
  mitre: ['T1059', 'T1578.005'],
  severity: 0.7,
  description:
    'ModifyInstanceAttribute with userData: the new script runs as root at the next start (the value shows as <sensitiveDataRemoved>).',
  triggers: [{ eventSource: EC2, eventNames: ['ModifyInstanceAttribute'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    if (req.userData === undefined && str(req.attribute) !== 'userData') return null;
    const instanceId = str(req.instanceId);
    if (!instanceId) return null;
    return {
      resource: resourceRef(record, 'AWS::EC2::Instance', instanceId, { instanceId }),
      summary: `User data of instance ${instanceId} replaced`,
    };
  },
});

const ec2SerialConsoleEnabled = defineDetection({
  id: 'ec2.serial-console-enabled',
  title: 'EC2 serial console access enabled',
  category: 'LAT',
  mitre: ['T1021.008'],
  severity: 0.7,
  description:
    'EnableSerialConsoleAccess: account-wide, out-of-band shell access to instances (bypasses security groups).',
  triggers: [{ eventSource: EC2, eventNames: ['EnableSerialConsoleAccess'] }],
  playbook: null,
  match(record) {
    return {
      resource: resourceRef(record, 'AWS::::Account', accountOf(record), {}),
      summary: `EC2 serial console access enabled in ${record.awsRegion ?? 'an unknown region'}`,
    };
  },
});

const ec2EbsDefaultEncryptionDisabled = defineDetection({
  id: 'ec2.ebs-default-encryption-disabled',
  title: 'EBS encryption by default disabled',
  category: 'HRD',
  mitre: ['T1486'],
  severity: 0.5,
  description: 'DisableEbsEncryptionByDefault: new volumes in the region are no longer encrypted.',
  triggers: [{ eventSource: EC2, eventNames: ['DisableEbsEncryptionByDefault'] }],
  playbook: null,
  match(record) {
    return {
      resource: resourceRef(record, 'AWS::::Account', accountOf(record), {}),
      summary: `EBS encryption by default disabled in ${record.awsRegion ?? 'an unknown region'}`,
    };
  },
});

const ec2ImdsV1Allowed = defineDetection({
  id: 'ec2.imdsv1-allowed',
  title: 'Instance metadata accepts IMDSv1',
  category: 'HRD',
  mitre: ['T1552.005'],
  severity: 0.4,
  description:
    'ModifyInstanceMetadataOptions with httpTokens optional: instance credentials can be read through SSRF again.',
  triggers: [{ eventSource: EC2, eventNames: ['ModifyInstanceMetadataOptions'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const body = pick(req, 'ModifyInstanceMetadataOptionsRequest') ?? req;
    const tokens = str(pick(body, 'httpTokens', 'HttpTokens'));
    const instanceId = str(pick(body, 'instanceId', 'InstanceId'));
    if (tokens !== 'optional' || !instanceId) return null;
    return {
      resource: resourceRef(record, 'AWS::EC2::Instance', instanceId, { instanceId }),
      summary: `Instance ${instanceId} metadata service accepts IMDSv1 again`,
    };
  },
});

const instanceConnectSshKey = defineDetection({
  id: 'ec2.instance-connect-ssh-key',
  title: 'SSH key pushed with EC2 Instance Connect or the serial console',
  category: 'LAT',
  mitre: ['T1021.004', 'T1098.004'],
  severity: 0.45,
  description:
    'SendSSHPublicKey (a 60-second key for an OS user) or SendSerialConsoleSSHPublicKey (serial console, weighs more). Fan-out over many instances is scored by behaviour.',
  triggers: [
    { eventSource: INSTANCE_CONNECT, eventNames: ['SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey'] },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    const instanceId = str(req.instanceId);
    if (!instanceId) return null;
    const serial = record.eventName === 'SendSerialConsoleSSHPublicKey';
    return {
      resource: resourceRef(record, 'AWS::EC2::Instance', instanceId, {
        instanceId,
        osUser: str(req.instanceOSUser) ?? null,
        serialPort: num(req.serialPort) ?? null,
      }),
      summary: `SSH public key pushed to instance ${instanceId}${serial ? ' serial console' : ` for user ${str(req.instanceOSUser) ?? '?'}`}`,
      severity: serial ? 0.6 : 0.45,
    };
  },
});

const SHELL_DOCUMENTS = /^AWS-Run(Shell|PowerShell)Script$|^AWS-RunRemoteScript$|^AWS-ApplyAnsiblePlaybooks$/;

const ssmSendCommand = defineDetection({
  id: 'ssm.send-command',
  title: 'Shell command sent to instances through SSM',
  category: 'EXE',
  mitre: ['T1651'],
  severity: 0.45,
  description:
    'SendCommand with a shell document (AWS-RunShellScript, AWS-RunPowerShellScript, …); three or more targets weigh more. Failed attempts count.',
  triggers: [{ eventSource: SSM, eventNames: ['SendCommand'] }],
  matchesFailures: true,
  playbook: null,
  match(record) {
    const req = request(record);
    const document = str(req.documentName) ?? '';
    if (!SHELL_DOCUMENTS.test(document)) return null;
    const instances = strings(req.instanceIds);
    const tagTargets = list(req.targets).length;
    const commandId = str(response(record), 'command.commandId');
    const fanOut = instances.length >= 3 || tagTargets > 0;
    return {
      resource: null,
      summary: `${document} sent to ${instances.length > 0 ? `${instances.length} instance(s)` : `${tagTargets} target selector(s)`}`,
      severity: fanOut ? 0.6 : 0.45,
      evidence: { instanceIds: instances, commandId: commandId ?? null, documentName: document },
    };
  },
});

const ssmStartSession = defineDetection({
  id: 'ssm.start-session',
  title: 'Interactive SSM session started',
  category: 'LAT',
  mitre: ['T1021.007', 'T1651'],
  severity: 0.35,
  description:
    'StartSession on an instance: an interactive shell. Sessions across many targets are scored by behaviour.',
  triggers: [{ eventSource: SSM, eventNames: ['StartSession'] }],
  playbook: null,
  match(record) {
    const target = str(request(record).target);
    if (!target) return null;
    const sessionId = str(response(record).sessionId);
    return {
      resource: resourceRef(record, 'AWS::EC2::Instance', target, {
        instanceId: target,
        sessionId: sessionId ?? null,
      }),
      summary: `SSM session ${sessionId ?? ''} started on ${target}`.replace('  ', ' '),
    };
  },
});

const bedrockModelAccessEnabled = defineDetection({
  id: 'bedrock.model-access-enabled',
  title: 'Bedrock foundation model access enabled',
  category: 'HIJ',
  mitre: ['T1496'],
  severity: 0.5,
  description:
    'PutFoundationModelEntitlement, PutUseCaseForModelAccess or CreateFoundationModelAgreement: the first steps of LLMjacking when the caller is not the ML team.',
  triggers: [
    {
      eventSource: BEDROCK,
      eventNames: [
        'PutFoundationModelEntitlement',
        'PutUseCaseForModelAccess',
        'CreateFoundationModelAgreement',
      ],
    },
  ],
  playbook: null,
  match(record) {
    const modelId = str(request(record).modelId) ?? 'all models';
    return {
      resource: resourceRef(record, 'AWS::Bedrock::FoundationModel', modelId, { modelId }),
      summary: `Bedrock ${record.eventName} for ${modelId}`,
    };
  },
});

const bedrockSafeguardsRemoved = defineDetection({
  id: 'bedrock.safeguards-removed',
  title: 'Bedrock invocation logging or guardrail removed',
  category: 'DEF',
  mitre: ['T1562.008', 'T1496'],
  severity: 0.65,
  description:
    'DeleteModelInvocationLoggingConfiguration (prompts stop being logged), DeleteGuardrail or UpdateGuardrail.',
  triggers: [
    {
      eventSource: BEDROCK,
      eventNames: ['DeleteModelInvocationLoggingConfiguration', 'DeleteGuardrail', 'UpdateGuardrail'],
    },
  ],
  playbook: null,
  match(record) {
    const guardrail = str(request(record).guardrailIdentifier);
    return {
      resource: guardrail
        ? resourceRef(record, 'AWS::Bedrock::Guardrail', guardrail, { guardrailIdentifier: guardrail })
        : resourceRef(record, 'AWS::::Account', accountOf(record), {}),
      summary: `Bedrock ${record.eventName}${guardrail ? ` on guardrail ${guardrail}` : ''}`,
      severity: guardrail ? 0.5 : 0.7,
    };
  },
});

const ec2InstanceExport = defineDetection({
  id: 'ec2.instance-exported',
  title: 'EC2 instance or image exported',
  category: 'EXF',
  mitre: ['T1537'],
  severity: 0.6,
  description:
    'CreateInstanceExportTask or ExportImage: a full disk image written to an S3 bucket, possibly outside the account. Failed attempts count.',
  triggers: [{ eventSource: EC2, eventNames: ['CreateInstanceExportTask', 'ExportImage'] }],
  matchesFailures: true,
  playbook: null,
  match(record) {
    const req = request(record);
    const source = str(req.instanceId) ?? str(req.imageId) ?? 'unknown';
    const bucket = str(req, 'exportToS3.s3Bucket') ?? str(req, 's3ExportLocation.s3Bucket') ?? null;
    return {
      resource: null,
      summary: `${record.eventName} of ${source}${bucket ? ` to bucket ${bucket}` : ''}`,
      evidence: { source, bucket },
    };
  },
});

const ec2KeyPairImported = defineDetection({
  id: 'ec2.key-pair-imported',
  title: 'SSH key pair imported',
  category: 'PER',
  mitre: ['T1098.004'],
  severity: 0.3,
  description: 'ImportKeyPair: an outside SSH public key registered for new instances.',
  triggers: [{ eventSource: EC2, eventNames: ['ImportKeyPair'] }],
  playbook: null,
  match(record) {
    const name = str(request(record).keyName);
    if (!name) return null;
    return {
      resource: resourceRef(record, 'AWS::EC2::KeyPair', name, { keyName: name }),
      summary: `SSH key pair ${name} imported`,
    };
  },
});

const glueDevEndpointRole = defineDetection({
  id: 'glue.dev-endpoint-changed',
  title: 'Glue development endpoint created or changed',
  category: 'PRV',
  mitre: ['T1098', 'T1648'],
  severity: 0.5,
  description:
    'CreateDevEndpoint / UpdateDevEndpoint: a known privilege-escalation path (pass a powerful role to an endpoint, add an SSH key, run as the role).',
  triggers: [{ eventSource: 'glue.amazonaws.com', eventNames: ['CreateDevEndpoint', 'UpdateDevEndpoint'] }],
  playbook: null,
  match(record) {
    const req = request(record);
    const name = str(req.endpointName);
    if (!name) return null;
    const roleArn = str(req.roleArn) ?? str(response(record).roleArn) ?? null;
    const sshKey =
      req.publicKey !== undefined || req.addPublicKeys !== undefined || req.publicKeys !== undefined;
    return {
      resource: resourceRef(record, 'AWS::Glue::DevEndpoint', name, {
        endpointName: name,
        roleArn,
        sshKeyAdded: sshKey,
      }),
      summary: `Glue dev endpoint ${name} ${record.eventName === 'CreateDevEndpoint' ? 'created' : 'changed'}${roleArn ? ` with role ${roleArn}` : ''}${sshKey ? ' and an SSH key' : ''}`,
      severity: sshKey ? 0.6 : 0.5,
    };
  },
});

const sesSendingAbuse = defineDetection({
  id: 'ses.sending-enabled',
  title: 'SES sending enabled or a sender identity added',
  category: 'HIJ',
  mitre: ['T1496', 'T1586.003'],
  severity: 0.4,
  description:
    'UpdateAccountSendingEnabled (enabled), VerifyEmailIdentity / VerifyDomainIdentity / CreateEmailIdentity, or DeleteIdentity: the steps of hijacking SES for spam or phishing, and of covering it up.',
  triggers: [
    {
      eventSource: 'ses.amazonaws.com',
      eventNames: [
        'UpdateAccountSendingEnabled',
        'VerifyEmailIdentity',
        'VerifyDomainIdentity',
        'CreateEmailIdentity',
        'DeleteIdentity',
        'DeleteEmailIdentity',
      ],
    },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    if (record.eventName === 'UpdateAccountSendingEnabled' && req.enabled === false) return null;
    const identity =
      str(req.emailAddress) ?? str(req.domain) ?? str(req.emailIdentity) ?? str(req.identity) ?? null;
    return {
      resource: identity ? resourceRef(record, 'AWS::SES::EmailIdentity', identity, { identity }) : null,
      summary: `SES ${record.eventName}${identity ? ` (${identity})` : ''}`,
      severity: record.eventName.startsWith('Delete') ? 0.45 : 0.4,
    };
  },
});

const efsDeleted = defineDetection({
  id: 'efs.file-system-deleted',
  title: 'EFS file system or mount target deleted',
  category: 'IMP',
  mitre: ['T1485'],
  severity: 0.5,
  description: 'DeleteFileSystem (the data is gone) or DeleteMountTarget (clients lose the share).',
  triggers: [
    { eventSource: 'elasticfilesystem.amazonaws.com', eventNames: ['DeleteFileSystem', 'DeleteMountTarget'] },
  ],
  playbook: null,
  match(record) {
    const req = request(record);
    const id = str(req.fileSystemId) ?? str(req.mountTargetId);
    if (!id) return null;
    const fileSystem = record.eventName === 'DeleteFileSystem';
    return {
      resource: resourceRef(record, fileSystem ? 'AWS::EFS::FileSystem' : 'AWS::EFS::MountTarget', id, {
        id,
      }),
      summary: `EFS ${fileSystem ? 'file system' : 'mount target'} ${id} deleted`,
      severity: fileSystem ? 0.6 : 0.35,
    };
  },
});

export {
  bedrockModelAccessEnabled,
  bedrockSafeguardsRemoved,
  ec2EbsDefaultEncryptionDisabled,
  ec2ImdsV1Allowed,
  ec2InstanceExport,
  ec2KeyPairImported,
  ec2SerialConsoleEnabled,
  ec2UnusualInstanceLaunch,
  ec2UserDataModified,
  efsDeleted,
  glueDevEndpointRole,
  instanceConnectSshKey,
  sesSendingAbuse,
  ssmSendCommand,
  ssmStartSession,
};
