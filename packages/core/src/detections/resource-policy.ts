import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import { defineDetection } from './define.js';
import { publicStatements } from './policy.js';
import { pick, request, resourceRef, response, str } from './read.js';

/** Where each service carries the policy and the resource id in its request. */
interface PolicyCall {
  readonly type: string;
  readonly policy: (req: Record<string, unknown>) => unknown;
  readonly id: (req: Record<string, unknown>, res: Record<string, unknown>) => string | undefined;
}

const CALLS: Record<string, PolicyCall> = {
  'sns.amazonaws.com:SetTopicAttributes': {
    type: 'AWS::SNS::Topic',
    policy: (req) => (str(req.attributeName) === 'Policy' ? req.attributeValue : undefined),
    id: (req) => str(req.topicArn),
  },
  'sqs.amazonaws.com:SetQueueAttributes': {
    type: 'AWS::SQS::Queue',
    policy: (req) => pick(req.attributes, 'Policy'),
    id: (req) => str(req.queueUrl),
  },
  'secretsmanager.amazonaws.com:PutResourcePolicy': {
    type: 'AWS::SecretsManager::Secret',
    policy: (req) => req.resourcePolicy,
    id: (req) => str(req.secretId),
  },
  'ecr.amazonaws.com:SetRepositoryPolicy': {
    type: 'AWS::ECR::Repository',
    policy: (req) => req.policyText,
    id: (req) => str(req.repositoryName),
  },
  'kms.amazonaws.com:PutKeyPolicy': {
    type: 'AWS::KMS::Key',
    policy: (req) => req.policy,
    id: (req) => str(req.keyId),
  },
  'kms.amazonaws.com:CreateKey': {
    type: 'AWS::KMS::Key',
    policy: (req) => req.policy,
    id: (_req, res) => str(res, 'keyMetadata.keyId'),
  },
  'glacier.amazonaws.com:SetVaultAccessPolicy': {
    type: 'AWS::Glacier::Vault',
    policy: (req) => pick(req.policy, 'policy') ?? req.policy,
    id: (req) => str(req.vaultName),
  },
  'es.amazonaws.com:CreateElasticsearchDomain': {
    type: 'AWS::Elasticsearch::Domain',
    policy: (req) => req.accessPolicies,
    id: (req) => str(req.domainName),
  },
  'es.amazonaws.com:UpdateElasticsearchDomainConfig': {
    type: 'AWS::Elasticsearch::Domain',
    policy: (req) => req.accessPolicies,
    id: (req) => str(req.domainName),
  },
  'es.amazonaws.com:CreateDomain': {
    type: 'AWS::OpenSearchService::Domain',
    policy: (req) => req.accessPolicies,
    id: (req) => str(req.domainName),
  },
  'es.amazonaws.com:UpdateDomainConfig': {
    type: 'AWS::OpenSearchService::Domain',
    policy: (req) => req.accessPolicies,
    id: (req) => str(req.domainName),
  },
};

const callOf = (record: CloudTrailRecord): PolicyCall | undefined =>
  CALLS[`${record.eventSource}:${record.eventName}`];

/** The triggers, grouped by source, derived from the table above. */
function triggersFromCalls(): { eventSource: string; eventNames: string[] }[] {
  const bySource = new Map<string, string[]>();
  for (const key of Object.keys(CALLS)) {
    const [source, name] = key.split(':') as [string, string];
    bySource.set(source, [...(bySource.get(source) ?? []), name]);
  }
  return [...bySource].map(([eventSource, eventNames]) => ({ eventSource, eventNames }));
}

const resourcePolicyPublic = defineDetection({
  id: 'resource.policy-public',
  title: 'SNS, SQS, Secrets Manager, ECR, KMS, Glacier or OpenSearch policy allows anyone',
  category: 'EXP',
  mitre: ['T1530'],
  severity: 0.75,
  description:
    'A resource policy set through SetTopicAttributes, SetQueueAttributes, PutResourcePolicy, SetRepositoryPolicy, PutKeyPolicy / CreateKey, SetVaultAccessPolicy or an OpenSearch access policy has an Allow to "*" without a narrowing condition.',
  triggers: triggersFromCalls(),
  playbook: null,
  match(record) {
    const call = callOf(record);
    if (!call) return null;
    const req = request(record);
    const statements = publicStatements(call.policy(req));
    if (statements.length === 0) return null;
    const id = call.id(req, response(record)) ?? 'unknown';
    const actions = [...new Set(statements.flatMap((s) => s.actions))];
    return {
      resource: resourceRef(record, call.type, id, {
        statementIndexes: statements.map((s) => s.index),
        statementSids: statements.flatMap((s) => (s.sid ? [s.sid] : [])),
        actions,
      }),
      summary: `${call.type.split('::')[1]} ${id} policy allows anyone: ${actions.join(', ') || 'all actions'}`,
      severity: call.type === 'AWS::KMS::Key' || call.type === 'AWS::SecretsManager::Secret' ? 0.85 : 0.75,
    };
  },
});

export { resourcePolicyPublic };
