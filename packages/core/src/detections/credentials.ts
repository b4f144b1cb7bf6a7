import { defineDetection } from './define.js';
import { bool, list, request, str, strings } from './read.js';

const SECRETS = 'secretsmanager.amazonaws.com';
const EC2 = 'ec2.amazonaws.com';

/**
 * Credential reads are actor behaviour: one read is normal, a burst by a new caller is the attack. These rows match
 * failed calls too (a denied sweep is still a sweep) and never name a fixable resource; the scorer weighs the burst.
 */

const secretsBatchRetrieval = defineDetection({
  id: 'secretsmanager.batch-retrieval',
  title: 'Secrets Manager batch retrieval',
  category: 'CRD',
  mitre: ['T1555.006'],
  severity: 0.6,
  description:
    'BatchGetSecretValue: many secrets in one call, by id list or by filter (e.g. every secret with a tag).',
  triggers: [{ eventSource: SECRETS, eventNames: ['BatchGetSecretValue'] }],
  matchesFailures: true,
  playbook: null,
  match(record) {
    const req = request(record);
    const ids = strings(req.secretIdList);
    const filters = list(req.filters).length;
    return {
      resource: null,
      summary: `BatchGetSecretValue for ${ids.length > 0 ? `${ids.length} secret(s)` : `${filters} filter(s)`}`,
      evidence: { secretIds: ids, filterCount: filters },
    };
  },
});

const secretsValueRead = defineDetection({
  id: 'secretsmanager.secret-read',
  title: 'Secrets Manager secret value read',
  category: 'CRD',
  mitre: ['T1555.006'],
  severity: 0.2,
  description:
    'GetSecretValue: a single read is routine and low severity; the behaviour scorer raises bursts over many secrets by one caller.',
  triggers: [{ eventSource: SECRETS, eventNames: ['GetSecretValue'] }],
  matchesFailures: true,
  playbook: null,
  match(record) {
    const secretId = str(request(record).secretId);
    if (!secretId) return null;
    return { resource: null, summary: `Secret ${secretId} read`, evidence: { secretId } };
  },
});

const ssmSecureStringDecrypted = defineDetection({
  id: 'ssm.securestring-decrypted',
  title: 'SSM SecureString parameters decrypted',
  category: 'CRD',
  mitre: ['T1555.006', 'T1552'],
  severity: 0.35,
  description:
    'GetParameter / GetParameters / GetParametersByPath with withDecryption true; more names in one call weigh more.',
  triggers: [
    {
      eventSource: 'ssm.amazonaws.com',
      eventNames: ['GetParameter', 'GetParameters', 'GetParametersByPath'],
    },
  ],
  matchesFailures: true,
  playbook: null,
  match(record) {
    const req = request(record);
    if (bool(req.withDecryption) !== true) return null;
    const names = [...strings(req.names), ...strings(req.name), ...strings(req.path)];
    return {
      resource: null,
      summary: `${names.length} SSM parameter(s) read with decryption${names.length > 0 ? `: ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}` : ''}`,
      severity: names.length >= 5 || record.eventName === 'GetParametersByPath' ? 0.5 : 0.35,
      evidence: { names },
    };
  },
});

const ec2PasswordDataRead = defineDetection({
  id: 'ec2.password-data-read',
  title: 'EC2 Windows password data requested',
  category: 'CRD',
  mitre: ['T1552'],
  severity: 0.45,
  description:
    'GetPasswordData: the encrypted local Administrator password of a Windows instance; failed attempts count (sweeps are mostly denied).',
  triggers: [{ eventSource: EC2, eventNames: ['GetPasswordData'] }],
  matchesFailures: true,
  playbook: null,
  match(record) {
    const instanceId = str(request(record).instanceId);
    if (!instanceId) return null;
    return {
      resource: null,
      summary: `Password data of instance ${instanceId} requested`,
      evidence: { instanceId },
    };
  },
});

const ec2UserDataRead = defineDetection({
  id: 'ec2.user-data-read',
  title: 'EC2 instance user data downloaded',
  category: 'CRD',
  mitre: ['T1552.005', 'T1580'],
  severity: 0.4,
  description:
    'DescribeInstanceAttribute with attribute userData: user data often carries bootstrap secrets; failed attempts count.',
  triggers: [{ eventSource: EC2, eventNames: ['DescribeInstanceAttribute'] }],
  matchesFailures: true,
  playbook: null,
  match(record) {
    const req = request(record);
    if (str(req.attribute) !== 'userData') return null;
    const instanceId = str(req.instanceId) ?? 'unknown';
    return {
      resource: null,
      summary: `User data of instance ${instanceId} requested`,
      evidence: { instanceId },
    };
  },
});

export {
  ec2PasswordDataRead,
  ec2UserDataRead,
  secretsBatchRetrieval,
  secretsValueRead,
  ssmSecureStringDecrypted,
};
