import { hasNarrowingCondition, isPublicStatement } from '../access/public-policy.js';
import type { CloudTrailRecord } from '../schemas/cloudtrail.js';
import { defineDetection } from './define.js';
import { accountIdIn, list, policyDocument, request, resourceRef, response, str } from './read.js';

const LAMBDA = 'lambda.amazonaws.com';

/** CloudTrail names Lambda calls with their API version suffix; the un-suffixed names are listed for older records. */
const FUNCTION_URL_CALLS = [
  'CreateFunctionUrlConfig20211031',
  'UpdateFunctionUrlConfig20211031',
  'CreateFunctionUrlConfig',
  'UpdateFunctionUrlConfig',
];
const ADD_PERMISSION_CALLS = ['AddPermission20150331v2', 'AddPermission20150331', 'AddPermission'];
const UPDATE_CODE_CALLS = [
  'UpdateFunctionCode20150331v2',
  'UpdateFunctionCode20150331',
  'UpdateFunctionCode',
];
const UPDATE_CONFIG_CALLS = [
  'UpdateFunctionConfiguration20150331v2',
  'UpdateFunctionConfiguration20150331',
  'UpdateFunctionConfiguration',
];
const LAYER_PERMISSION_CALLS = ['AddLayerVersionPermission20181031', 'AddLayerVersionPermission'];

const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([^:]+)/;

/** The function name of a request (`functionName` may be a name, a partial or a full ARN). */
function functionNameOf(record: CloudTrailRecord): string | undefined {
  const value = str(request(record).functionName) ?? str(response(record).functionName);
  if (!value) return undefined;
  return FUNCTION_ARN.exec(value)?.[1] ?? value.split(':').pop();
}

const functionRef = (record: CloudTrailRecord, name: string, details: Record<string, unknown>) =>
  resourceRef(
    record,
    'AWS::Lambda::Function',
    name,
    { functionName: name, ...details },
    str(response(record).functionArn),
  );

/**
 * A person rather than a pipeline: IAM users, root, federated users, and IAM Identity Center (SSO) sessions.
 * Deploy pipelines run as plain assumed roles; code or layer changes by people bypass the pipeline.
 */
function isHumanCaller(record: CloudTrailRecord): boolean {
  const identity = record.userIdentity;
  if (!identity) return false;
  if (identity.type === 'IAMUser' || identity.type === 'Root' || identity.type === 'FederatedUser')
    return true;
  const issuer = identity.sessionContext?.sessionIssuer?.arn ?? identity.arn ?? '';
  return identity.type === 'AssumedRole' && /AWSReservedSSO_/.test(issuer);
}

/** The resource-policy statement an AddPermission request adds (Lambda maps its parameters to these conditions). */
function requestedStatement(req: Record<string, unknown>): Record<string, unknown> {
  const principal = str(req.principal) ?? '';
  const sourceArn = str(req.sourceArn);
  const stringEquals: Record<string, string> = {};
  const sourceAccount = str(req.sourceAccount);
  const orgId = str(req.principalOrgID);
  const token = str(req.eventSourceToken);
  if (sourceAccount) stringEquals['AWS:SourceAccount'] = sourceAccount;
  if (orgId) stringEquals['aws:PrincipalOrgID'] = orgId;
  if (token) stringEquals['lambda:EventSourceToken'] = token;
  const condition = {
    ...(sourceArn ? { ArnLike: { 'AWS:SourceArn': sourceArn } } : {}),
    ...(Object.keys(stringEquals).length > 0 ? { StringEquals: stringEquals } : {}),
  };
  return {
    Effect: 'Allow',
    Principal:
      principal === '*'
        ? '*'
        : principal.endsWith('.amazonaws.com')
          ? { Service: principal }
          : { AWS: principal },
    Action: str(req.action) ?? 'lambda:InvokeFunction',
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
}

const lambdaFunctionUrlPublic = defineDetection({
  id: 'lambda.function-url-public',
  title: 'Lambda function URL without authentication',
  category: 'PER',
  mitre: ['T1546', 'T1190'],
  severity: 0.7,
  description:
    'CreateFunctionUrlConfig / UpdateFunctionUrlConfig (any API-version suffix) with authType NONE: anyone on the internet can invoke the function.',
  triggers: [{ eventSource: LAMBDA, eventNames: FUNCTION_URL_CALLS }],
  playbook: 'lambda.require-url-auth',
  match(record) {
    const req = request(record);
    if (str(req.authType) !== 'NONE') return null;
    const name = functionNameOf(record);
    if (!name) return null;
    const qualifier = str(req.qualifier);
    return {
      resource: functionRef(record, name, {
        authType: 'NONE',
        functionUrl: str(response(record).functionUrl) ?? null,
        ...(qualifier ? { qualifier } : {}),
      }),
      summary: `Lambda function ${name} has a public URL (auth type NONE)`,
    };
  },
});

const lambdaPermissionPublic = defineDetection({
  id: 'lambda.permission-public',
  title: 'Lambda function invocable by anyone or a foreign account',
  category: 'PER',
  mitre: ['T1546', 'T1098'],
  severity: 0.85,
  description:
    'AddPermission (any suffix) with principal "*" and no concrete sourceArn / sourceAccount / principalOrgID (the shared public-policy evaluator judges the statement Lambda wrote), or a foreign account principal. The statement id is what the fix removes.',
  triggers: [{ eventSource: LAMBDA, eventNames: ADD_PERMISSION_CALLS }],
  playbook: 'lambda.remove-public-permission',
  match(record) {
    const req = request(record);
    const name = functionNameOf(record);
    const principal = str(req.principal);
    if (!name || !principal) return null;
    // The statement Lambda wrote (response), else the one the request asks for: judged by the shared evaluator,
    // the same one the playbook applies to the live statement before removing it.
    const statement = policyDocument(response(record).statement);
    const judged = statement && Object.keys(statement).length > 0 ? statement : requestedStatement(req);
    const account = accountIdIn(principal);
    const ours = account === (record.recipientAccountId ?? record.userIdentity?.accountId);
    const open = principal === '*' && isPublicStatement(judged);
    const foreign = account !== undefined && !ours && !hasNarrowingCondition(judged);
    if (!open && !foreign) return null;
    const statementId = str(req.statementId) ?? null;
    return {
      resource: functionRef(record, name, {
        statementId,
        principal,
        action: str(req.action) ?? null,
        functionUrlAuthType: str(req.functionUrlAuthType) ?? null,
      }),
      summary: `Lambda function ${name} can be invoked by ${open ? 'anyone' : `account ${account}`} (statement ${statementId ?? '?'})`,
      severity: open ? 0.85 : 0.7,
    };
  },
});

const lambdaLayerPermissionPublic = defineDetection({
  id: 'lambda.layer-permission-public',
  title: 'Lambda layer shared with everyone',
  category: 'EXP',
  mitre: ['T1537'],
  severity: 0.5,
  description:
    'AddLayerVersionPermission with principal "*" and no organizationId: any account can use the layer (and read its code).',
  triggers: [{ eventSource: LAMBDA, eventNames: LAYER_PERMISSION_CALLS }],
  playbook: null,
  match(record) {
    const req = request(record);
    if (str(req.principal) !== '*' || str(req.organizationId)) return null;
    const layer = str(req.layerName) ?? 'unknown';
    return {
      resource: resourceRef(record, 'AWS::Lambda::LayerVersion', layer, {
        layerName: layer,
        versionNumber: str(req.versionNumber) ?? null,
        statementId: str(req.statementId) ?? null,
      }),
      summary: `Lambda layer ${layer} version ${str(req.versionNumber) ?? '?'} shared with every account`,
    };
  },
});

const lambdaCodeUpdated = defineDetection({
  id: 'lambda.code-updated-by-person',
  title: 'Lambda code replaced by a person, outside the pipeline',
  category: 'PER',
  mitre: ['T1648', 'T1578.005'],
  severity: 0.6,
  description:
    'UpdateFunctionCode (any suffix) by an IAM user, root, a federated user or an SSO session; pipelines run as assumed roles.',
  triggers: [{ eventSource: LAMBDA, eventNames: UPDATE_CODE_CALLS }],
  playbook: null,
  match(record) {
    if (!isHumanCaller(record)) return null;
    const name = functionNameOf(record);
    if (!name) return null;
    return {
      resource: functionRef(record, name, {
        codeSha256: str(response(record).codeSha256) ?? null,
        version: str(response(record).version) ?? null,
      }),
      summary: `Lambda function ${name} code replaced by ${record.userIdentity?.arn ?? 'a person'}`,
    };
  },
});

/** Layer ARNs of a configuration change (request or response shape). */
function layersOf(record: CloudTrailRecord): string[] {
  const out: string[] = [];
  for (const layer of [...list(request(record).layers), ...list(response(record).layers)]) {
    const arn = typeof layer === 'string' ? layer : str(layer, 'arn');
    if (arn && !out.includes(arn)) out.push(arn);
  }
  return out;
}

const lambdaLayerAdded = defineDetection({
  id: 'lambda.layer-added-by-person',
  title: 'Lambda layer or extension attached by a person',
  category: 'PER',
  mitre: ['T1546', 'T1578.005'],
  severity: 0.65,
  description:
    'UpdateFunctionConfiguration (any suffix) setting layers, by a person (not a pipeline role); a layer from a foreign account weighs more. Extensions run inside every invocation.',
  triggers: [{ eventSource: LAMBDA, eventNames: UPDATE_CONFIG_CALLS }],
  playbook: null,
  match(record) {
    if (!isHumanCaller(record)) return null;
    const layers = layersOf(record);
    if (layers.length === 0) return null;
    const name = functionNameOf(record);
    if (!name) return null;
    const own = record.recipientAccountId ?? record.userIdentity?.accountId;
    const foreign = layers.filter((arn) => {
      const account = accountIdIn(arn);
      return account !== undefined && account !== own;
    });
    return {
      resource: functionRef(record, name, { layers, foreignLayers: foreign }),
      summary: `Lambda function ${name} now runs layer(s) ${layers.join(', ')}`,
      severity: foreign.length > 0 ? 0.8 : 0.65,
    };
  },
});

export {
  isHumanCaller,
  lambdaCodeUpdated,
  lambdaFunctionUrlPublic,
  lambdaLayerAdded,
  lambdaLayerPermissionPublic,
  lambdaPermissionPublic,
};
