import { catalog } from '@aisaws/core/detections';
import { type CloudTrailRecord, CloudTrailRecordSchema } from '@aisaws/core/schemas';
import { GetPolicyCommand, LambdaClient, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { getPlaybookImplementation } from '../src/index.js';
import { createPlaybookHarness } from './helpers/harness.js';

/**
 * The detection and the playbook must agree on "public": the same policies go to the S3 and Lambda detections (as
 * the policy a CloudTrail event carries) and to the playbooks (as the live policy they re-read before a removal).
 * Whatever the detection flags, apply removes, and nothing else; whatever it does not flag, apply leaves alone.
 */

const ACCOUNT = '210987654321';

function record(
  eventSource: string,
  eventName: string,
  request: object,
  response: object | null,
): CloudTrailRecord {
  return CloudTrailRecordSchema.parse({
    eventVersion: '1.09',
    eventID: `agreement-${eventName}`,
    eventTime: '2026-03-02T10:15:00Z',
    eventSource,
    eventName,
    awsRegion: 'eu-west-3',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    recipientAccountId: ACCOUNT,
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEJANE7Q2',
      arn: `arn:aws:iam::${ACCOUNT}:user/ops-jane`,
      accountId: ACCOUNT,
      userName: 'ops-jane',
    },
    requestParameters: request,
    responseElements: response,
  });
}

const base = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::exports/*' };

/** [name, statement]: public and not, across the cases the issue names (negated operators, wildcards, /8 …). */
const STATEMENTS: readonly (readonly [string, Record<string, unknown>])[] = [
  ['open', base],
  ['AWS "*"', { ...base, Principal: { AWS: ['*'] } }],
  ['NotPrincipal', { ...base, Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }],
  ['service principal', { ...base, Principal: { Service: 'cloudfront.amazonaws.com' } }],
  ['own account', { ...base, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }],
  ['Deny', { ...base, Effect: 'Deny' }],
  ['SourceVpce', { ...base, Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b' } } }],
  ['PrincipalOrgID', { ...base, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }],
  [
    'SourceArn',
    { ...base, Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:sns:eu-west-3:${ACCOUNT}:t` } } },
  ],
  ['SourceAccount', { ...base, Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }],
  ['SourceIp /24', { ...base, Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }],
  ['SourceIp /1', { ...base, Condition: { IpAddress: { 'aws:SourceIp': ['0.0.0.0/1', '128.0.0.0/1'] } } }],
  ['StringNotEquals', { ...base, Condition: { StringNotEquals: { 'aws:SourceAccount': ACCOUNT } } }],
  ['ArnNotLike', { ...base, Condition: { ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::x' } } }],
  ['IfExists', { ...base, Condition: { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1a2b' } } }],
  ['"*" value', { ...base, Condition: { StringLike: { 'aws:PrincipalOrgID': '*' } } }],
  ['wildcard account', { ...base, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:t' } } }],
  ['unrelated condition', { ...base, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }],
];

const s3 = mockClient(S3Client);
const lambda = mockClient(LambdaClient);
const harness = createPlaybookHarness();
const bucketRef = (hitDetails: Record<string, unknown>) => ({
  type: 'AWS::S3::Bucket',
  id: 'exports',
  account: ACCOUNT,
  region: 'eu-west-3',
  details: hitDetails,
});

beforeEach(() => {
  s3.reset();
  lambda.reset();
  harness.reset();
});

describe('S3 bucket policy: s3.bucket-policy-public and s3.remove-public-policy-statements agree', () => {
  // Every statement in one policy, plus a kept statement so the playbook writes (rather than deletes) the policy.
  // Not the unconditioned Deny: it denies s3:GetObject on the same objects to everyone, so it closes every Allow
  // here (Denies are weighed; see the next block) and nothing would be public.
  const statements = STATEMENTS.filter(([name]) => name !== 'Deny').map(([name, statement]) => ({
    Sid: name.replace(/\W/g, ''),
    ...statement,
  }));
  const policy = { Version: '2012-10-17', Statement: statements };

  it('removes exactly the statements the detection flags, judged on the same policy', async () => {
    // Prepare
    const hit = catalog
      .detect(
        record('s3.amazonaws.com', 'PutBucketPolicy', { bucketName: 'exports', bucketPolicy: policy }, null),
      )
      .find((h) => h.id === 's3.bucket-policy-public');
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify(policy) });
    const playbook = getPlaybookImplementation('s3.remove-public-policy-statements');
    // Act
    const applied = await playbook.apply(
      bucketRef(hit?.resource?.details ?? {}),
      { bucket: 'exports', policy: null },
      harness.context(),
    );
    // Assess
    const flagged = (hit?.resource?.details.statementSids ?? []) as string[];
    const written = JSON.parse(s3.commandCalls(PutBucketPolicyCommand)[0]?.args[0].input.Policy ?? '{}');
    const kept = (written.Statement as { Sid: string }[]).map((statement) => statement.Sid);
    const removed = statements.map((statement) => statement.Sid).filter((sid) => !kept.includes(sid));
    expect(applied.status).toBe('applied');
    expect(removed).toEqual(flagged);
    expect(flagged).toEqual([
      'open',
      'AWS',
      'NotPrincipal',
      'SourceIp1',
      'StringNotEquals',
      'ArnNotLike',
      'IfExists',
      'value',
      'wildcardaccount',
      'unrelatedcondition',
    ]);
    expect(s3).not.toHaveReceivedCommand(DeleteBucketPolicyCommand);
  });

  it.each(STATEMENTS)('one statement "%s": detection fires ⇔ the fix writes', async (_name, statement) => {
    // Prepare
    const single = { Version: '2012-10-17', Statement: [statement] };
    const detected = catalog
      .detect(
        record('s3.amazonaws.com', 'PutBucketPolicy', { bucketName: 'exports', bucketPolicy: single }, null),
      )
      .some((h) => h.id === 's3.bucket-policy-public');
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify(single) });
    // Act
    const applied = await getPlaybookImplementation('s3.remove-public-policy-statements').apply(
      bucketRef({}),
      { bucket: 'exports', policy: null },
      harness.context(),
    );
    // Assess
    expect(applied.status === 'applied').toBe(detected);
  });
});

describe('S3 bucket policy with a Deny: detection and fix weigh the same Denies', () => {
  const allow = {
    Sid: 'AllowAll',
    Effect: 'Allow',
    Principal: '*',
    Action: ['s3:GetObject', 's3:PutObject'],
    Resource: ['arn:aws:s3:::exports', 'arn:aws:s3:::exports/*'],
  };
  const deny = {
    Sid: 'DenyOutside',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: ['arn:aws:s3:::exports', 'arn:aws:s3:::exports/*'],
  };
  /** [name, Deny, still public?]: the closing forms, then Denies that must not close. */
  const DENIES: readonly (readonly [string, Record<string, unknown>, boolean])[] = [
    [
      'unless SourceVpce',
      { ...deny, Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b' } } },
      false,
    ],
    [
      'unless PrincipalOrgID',
      { ...deny, Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
      false,
    ],
    [
      'unless SourceIp /16',
      { ...deny, Condition: { NotIpAddress: { 'aws:SourceIp': '10.1.0.0/16' } } },
      false,
    ],
    [
      'unless SourceIp /4 (the world)',
      { ...deny, Condition: { NotIpAddress: { 'aws:SourceIp': '0.0.0.0/4' } } },
      true,
    ],
    [
      'wrong action set',
      { ...deny, Action: 's3:PutObject', Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b' } } },
      true,
    ],
    ['NotAction', { ...deny, Action: undefined, NotAction: 's3:DeleteBucket' }, true],
    ['objects only', { ...deny, Resource: 'arn:aws:s3:::exports/*' }, true],
    ['Principal an account', { ...deny, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }, true],
    [
      'IfExists',
      { ...deny, Condition: { StringNotEqualsIfExists: { 'aws:SourceVpce': 'vpce-1a2b' } } },
      true,
    ],
  ];

  it.each(DENIES)(
    'Allow * with a Deny %s: detection fires ⇔ the fix removes the Allow',
    async (_name, d, open) => {
      // Prepare
      const policy = { Version: '2012-10-17', Statement: [allow, d] };
      const detected = catalog
        .detect(
          record(
            's3.amazonaws.com',
            'PutBucketPolicy',
            { bucketName: 'exports', bucketPolicy: policy },
            null,
          ),
        )
        .some((h) => h.id === 's3.bucket-policy-public');
      s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify(policy) });
      // Act
      const applied = await getPlaybookImplementation('s3.remove-public-policy-statements').apply(
        bucketRef({}),
        { bucket: 'exports', policy: null },
        harness.context(),
      );
      // Assess
      expect(detected).toBe(open);
      expect(applied.status).toBe(open ? 'applied' : 'already-compliant');
      const written = s3
        .commandCalls(PutBucketPolicyCommand)
        .map((c) => JSON.parse(c.args[0].input.Policy ?? '{}'));
      expect(written).toEqual(open ? [{ ...policy, Statement: [d] }] : []);
    },
  );
});

describe('Lambda permission: lambda.permission-public and lambda.remove-public-permission agree', () => {
  const lambdaStatement = (statement: Record<string, unknown>) => ({
    ...statement,
    Sid: 'perm-1',
    Action: 'lambda:InvokeFunction',
    Resource: `arn:aws:lambda:eu-west-3:${ACCOUNT}:function:resize`,
  });

  it.each(STATEMENTS.filter(([, statement]) => statement.Principal === '*'))(
    'statement "%s": detection fires ⇔ the fix removes it',
    async (_name, statement) => {
      // Prepare: the statement Lambda wrote is in the AddPermission response and in the live policy.
      const written = lambdaStatement(statement);
      const detected = catalog
        .detect(
          record(
            'lambda.amazonaws.com',
            'AddPermission20150331v2',
            {
              functionName: 'resize',
              statementId: 'perm-1',
              principal: '*',
              action: 'lambda:InvokeFunction',
            },
            { statement: JSON.stringify(written) },
          ),
        )
        .some((h) => h.id === 'lambda.permission-public');
      lambda
        .on(GetPolicyCommand)
        .resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [written] }) });
      // Act
      const applied = await getPlaybookImplementation('lambda.remove-public-permission').apply(
        {
          type: 'AWS::Lambda::Function',
          id: 'resize',
          account: ACCOUNT,
          region: 'eu-west-3',
          details: { functionName: 'resize', statementId: 'perm-1' },
        },
        { functionName: 'resize', statement: null },
        harness.context(),
      );
      // Assess
      expect(applied.status === 'applied').toBe(detected);
      expect(lambda.commandCalls(RemovePermissionCommand)).toHaveLength(detected ? 1 : 0);
    },
  );
});
