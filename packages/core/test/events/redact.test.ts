import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { credentialPaths, credentialReplacer, REDACTED, redactCredentials } from '../../src/events/index.js';

/**
 * One test per known credential-bearing event. Where the public datasets hold such a record it is read in place
 * (../shared/datasets or $AISAWS_DATASETS; never copied into the repository); the events no dataset holds are
 * written by hand in the shape the AWS API reference documents for their response, and say so.
 */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const datasets = resolve(process.env.AISAWS_DATASETS ?? join(repoRoot, '..', 'shared', 'datasets'));

type Json = Record<string, unknown>;

/** The records of a dataset file: `{"Records": [...]}`, a JSON array, or JSON Lines. */
function recordsOf(file: string): Json[] {
  const text = readFileSync(join(datasets, 'cloudtrail', file), 'utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed as Json[];
    return ((parsed as { Records?: Json[] }).Records ?? [parsed]) as Json[];
  } catch {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Json);
  }
}

/** The string values at the given credential paths (what must not survive redaction). */
function secretsAt(record: Json, paths: readonly string[]): string[] {
  return paths.map((path) => {
    let value: unknown = record;
    for (const part of path.split('.')) value = (value as Json)[part];
    return String(value);
  });
}

/** Redacts, and checks: no credential left, no secret string anywhere in the JSON, identifiers kept, input unchanged. */
function assertRedacted(record: Json, expectedPaths: readonly string[], keptPaths: readonly string[] = []) {
  const before = JSON.stringify(record);
  const paths = credentialPaths(record);
  expect(paths).toEqual(expectedPaths);
  const secrets = secretsAt(record, paths).filter((secret) => secret.length >= 4);
  const redacted = redactCredentials(record);
  const text = JSON.stringify(redacted);
  expect(credentialPaths(redacted)).toEqual([]);
  for (const secret of secrets) expect(text).not.toContain(secret);
  for (const path of paths) expect(secretsAt(redacted, [path])).toEqual([REDACTED]);
  for (const path of keptPaths) expect(secretsAt(redacted, [path])).toEqual(secretsAt(record, [path]));
  expect(JSON.stringify(record)).toBe(before);
  return redacted;
}

const DATASET_CASES: readonly (readonly [
  event: string,
  file: string,
  pick: (record: Json) => boolean,
  paths: string[],
  kept: string[],
])[] = [
  [
    'AssumeRole (Invictus IR dataset, a real session token)',
    'invictus-ir-aws-dataset/218007301253_CloudTrail_us-east-1_20230710T1220Z_sM25jC0Ku0QcGkDa.json',
    (r) => r.eventName === 'AssumeRole' && JSON.stringify(r).includes('IQoJb3JpZ2lu'),
    ['responseElements.credentials.sessionToken'],
    ['responseElements.credentials.accessKeyId', 'requestParameters.roleArn'],
  ],
  [
    'AssumeRole (AWS documentation example)',
    'aws-docs-examples/cloudtrail-records.json',
    (r) => r.eventName === 'AssumeRole',
    ['responseElements.credentials.sessionToken'],
    ['responseElements.credentials.accessKeyId'],
  ],
  [
    'GetFederationToken (Stratus Red Team sts-federation-token)',
    'stratus-red-team/aws.persistence.sts-federation-token.json',
    (r) => r.eventName === 'GetFederationToken',
    ['responseElements.credentials.sessionToken'],
    ['responseElements.credentials.accessKeyId'],
  ],
  [
    'CreateToken, IAM Identity Center OIDC (AWS documentation example)',
    'aws-docs-examples/cloudtrail-records.json',
    (r) => r.eventName === 'CreateToken',
    [
      'requestParameters.clientSecret',
      'responseElements.accessToken',
      'responseElements.refreshToken',
      'responseElements.idToken',
    ],
    [],
  ],
  [
    'StartSession, SSM (Stratus Red Team ssm-start-session)',
    'stratus-red-team/aws.execution.ssm-start-session.json',
    (r) => r.eventName === 'StartSession',
    ['responseElements.tokenValue'],
    ['responseElements.sessionId'],
  ],
  [
    'CreateDBInstance master password (AWS documentation example)',
    'aws-docs-examples/cloudtrail-records.json',
    (r) => r.eventName === 'CreateDBInstance',
    ['requestParameters.masterUserPassword', 'responseElements.pendingModifiedValues.masterUserPassword'],
    [],
  ],
  [
    'ModifyDBInstance master password (Panther rule tests)',
    'panther-analysis-fixtures/panther-rule-tests.cloudtrail.jsonl',
    (r) => r.eventName === 'ModifyDBInstance' && JSON.stringify(r).includes('masterUserPassword'),
    ['requestParameters.masterUserPassword', 'responseElements.pendingModifiedValues.masterUserPassword'],
    [],
  ],
];

describe('redactCredentials on real credential-bearing records (datasets, read in place)', () => {
  // A case whose dataset file is absent (no ../shared, AISAWS_DATASETS unset) is skipped, and counted so.
  const present = DATASET_CASES.filter(([, file]) => existsSync(join(datasets, 'cloudtrail', file)));
  const absent = DATASET_CASES.filter((entry) => !present.includes(entry));
  if (absent.length > 0) it.skip.each(absent)('%s (dataset file absent)', () => {});
  if (present.length > 0)
    it.each(present)('%s', (_event, file, pick, paths, kept) => {
      const record = recordsOf(file).find(pick);
      expect(record).toBeDefined();
      assertRedacted(record as Json, paths, kept);
    });
});

/** A minimal record around a documented response (no public dataset holds these events with their secrets). */
const handMade = (
  eventSource: string,
  eventName: string,
  requestParameters: Json,
  responseElements: Json,
) => ({
  eventVersion: '1.09',
  eventID: `hand-made-${eventName}`,
  eventTime: '2026-03-02T10:15:00Z',
  eventSource,
  eventName,
  awsRegion: 'eu-west-1',
  recipientAccountId: '111122223333',
  userIdentity: {
    type: 'IAMUser',
    accountId: '111122223333',
    userName: 'jane',
    accessKeyId: 'AKIAEXAMPLEJANE',
  },
  requestParameters,
  responseElements,
});
const stsCredentials = {
  accessKeyId: 'ASIAEXAMPLEKEYID1234',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLEsessionTOKENvalue',
  expiration: 'Mar 2, 2026, 11:15:00 AM',
};

const HAND_MADE_CASES: readonly (readonly [string, Json, string[], string[]])[] = [
  [
    'GetSessionToken (STS API reference: Credentials)',
    handMade(
      'sts.amazonaws.com',
      'GetSessionToken',
      { durationSeconds: 3600 },
      { credentials: stsCredentials },
    ),
    ['responseElements.credentials.secretAccessKey', 'responseElements.credentials.sessionToken'],
    ['responseElements.credentials.accessKeyId', 'responseElements.credentials.expiration'],
  ],
  [
    'AssumeRoleWithSAML (the SAML assertion and the credentials)',
    handMade(
      'sts.amazonaws.com',
      'AssumeRoleWithSAML',
      { roleArn: 'arn:aws:iam::111122223333:role/sso', SAMLAssertion: 'PHNhbWxwOlJlc3BvbnNlIEXAMPLE' },
      { credentials: stsCredentials },
    ),
    [
      'requestParameters.SAMLAssertion',
      'responseElements.credentials.secretAccessKey',
      'responseElements.credentials.sessionToken',
    ],
    ['requestParameters.roleArn'],
  ],
  [
    'AssumeRoleWithWebIdentity (the web identity token and the credentials)',
    handMade(
      'sts.amazonaws.com',
      'AssumeRoleWithWebIdentity',
      { roleArn: 'arn:aws:iam::111122223333:role/gha', webIdentityToken: 'eyJhbGciOiJSUzI1NiJ9.EXAMPLE' },
      { credentials: stsCredentials },
    ),
    [
      'requestParameters.webIdentityToken',
      'responseElements.credentials.secretAccessKey',
      'responseElements.credentials.sessionToken',
    ],
    [],
  ],
  [
    'GetRoleCredentials, IAM Identity Center portal (roleCredentials)',
    handMade(
      'sso.amazonaws.com',
      'GetRoleCredentials',
      { roleName: 'Admin', accountId: '111122223333' },
      {
        roleCredentials: {
          accessKeyId: 'ASIAEXAMPLEPORTAL123',
          secretAccessKey: 'portalSECRETexampleKEYvalue1234567890ab',
          sessionToken: 'portalSESSIONtokenEXAMPLEvalue',
          expiration: 1772449200000,
        },
      },
    ),
    ['responseElements.roleCredentials.secretAccessKey', 'responseElements.roleCredentials.sessionToken'],
    ['responseElements.roleCredentials.accessKeyId'],
  ],
  [
    'CreateAccessKey (IAM API reference: AccessKey.SecretAccessKey)',
    handMade(
      'iam.amazonaws.com',
      'CreateAccessKey',
      { userName: 'ci-bot' },
      {
        accessKey: {
          accessKeyId: 'AKIAEXAMPLECIBOT1234',
          secretAccessKey: 'ciBotSECRETexampleKEYvalue1234567890abcd',
          status: 'Active',
          userName: 'ci-bot',
        },
      },
    ),
    ['responseElements.accessKey.secretAccessKey'],
    ['responseElements.accessKey.accessKeyId'],
  ],
  [
    'GetCredentialsForIdentity, Cognito identity pools (Credentials.SecretKey)',
    handMade(
      'cognito-identity.amazonaws.com',
      'GetCredentialsForIdentity',
      { identityId: 'eu-west-1:1234' },
      {
        identityId: 'eu-west-1:1234',
        credentials: {
          accessKeyId: 'ASIAEXAMPLECOGNITO12',
          secretKey: 'cognitoSECRETexampleKEYvalue1234567890',
          sessionToken: 'cognitoSESSIONtokenEXAMPLE',
        },
      },
    ),
    ['responseElements.credentials.secretKey', 'responseElements.credentials.sessionToken'],
    ['responseElements.identityId'],
  ],
  [
    'CreateLoginProfile and GetPasswordData (a password, EC2 encrypted password data)',
    handMade(
      'iam.amazonaws.com',
      'CreateLoginProfile',
      { userName: 'jane', password: 'Tr0ub4dor&3-example', passwordResetRequired: true },
      { passwordData: 'kYnd0E6fBasE64eXaMpLe==' },
    ),
    ['requestParameters.password', 'responseElements.passwordData'],
    ['requestParameters.passwordResetRequired'],
  ],
  [
    'GetAuthorizationToken, ECR (authorizationData[].authorizationToken)',
    handMade(
      'ecr.amazonaws.com',
      'GetAuthorizationToken',
      {},
      { authorizationData: [{ authorizationToken: 'QVdTOmV4YW1wbGVUb2tlbg==', proxyEndpoint: 'https://x' }] },
    ),
    ['responseElements.authorizationData[0].authorizationToken'],
    [],
  ],
];

describe('redactCredentials on the documented shapes of events no dataset holds (hand-made)', () => {
  it.each(HAND_MADE_CASES)('%s', (_event, record, paths, kept) => {
    const redacted = redactCredentials(record);
    expect(credentialPaths(record)).toEqual(paths);
    expect(credentialPaths(redacted)).toEqual([]);
    const text = JSON.stringify(redacted);
    for (const secret of [
      'wJalrXUtnFEMI',
      'IQoJb3JpZ2luX2VjEXAMPLE',
      'SECRETexample',
      'SESSIONtoken',
      'PHNhbWxw',
      'eyJhbGci',
      'Tr0ub4dor',
      'kYnd0E6f',
      'QVdTOmV4',
    ])
      expect(text).not.toContain(secret);
    for (const path of kept) {
      const read = (value: unknown) => path.split('.').reduce((v, part) => (v as Json)[part], value);
      expect(read(redacted)).toEqual(read(record));
    }
  });

  it('leaves empty, null and boolean values and non-secret look-alikes (clientToken, nextToken) alone', () => {
    const record = {
      requestParameters: { clientToken: 'abc-123', nextToken: 'AAEAA', password: '', sessionToken: null },
      responseElements: { passwordResetRequired: false, secretAccessKey: true },
    };
    expect(redactCredentials(record)).toEqual(record);
  });

  it('bounds its depth: a hostile, deeply nested input does not exhaust the stack', () => {
    let deep: Json = { sessionToken: 'deep-secret-token' };
    for (let i = 0; i < 20_000; i += 1) deep = { next: deep };
    const text = JSON.stringify(redactCredentials(deep), (_k, v) => v);
    expect(text.includes('deep-secret-token')).toBe(false);
  });
});

describe('where the rule applies', () => {
  it('credentialReplacer writes the same redaction into any JSON (what the Lambdas log)', () => {
    const line = JSON.stringify(
      { message: 'x', event: { detail: { responseElements: { credentials: stsCredentials } } } },
      credentialReplacer,
    );
    expect(line).toContain(REDACTED);
    expect(line).toContain('ASIAEXAMPLEKEYID1234');
    expect(line).not.toContain(stsCredentials.sessionToken);
    expect(line).not.toContain(stsCredentials.secretAccessKey);
  });
});
