import { describe, expect, it } from '@jest/globals';
import { isPublicStatement, publicStatements } from '../../src/access/index.js';

const ANYONE_READ = {
  Sid: 'AnyoneRead',
  Effect: 'Allow',
  Principal: '*',
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::site-assets/*',
};
const withCondition = (Condition: object) => ({ ...ANYONE_READ, Condition });

describe('isPublicStatement: who counts as anyone', () => {
  it.each([
    ['Principal "*"', ANYONE_READ, true],
    ['Principal {AWS: "*"}', { ...ANYONE_READ, Principal: { AWS: '*' } }, true],
    ['Principal {AWS: [account, "*"]}', { ...ANYONE_READ, Principal: { AWS: ['111122223333', '*'] } }, true],
    [
      'NotPrincipal on an Allow (everyone but one)',
      { ...ANYONE_READ, Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } },
      true,
    ],
    ['a service principal', { ...ANYONE_READ, Principal: { Service: 'cloudfront.amazonaws.com' } }, false],
    ['an account principal', { ...ANYONE_READ, Principal: { AWS: 'arn:aws:iam::111122223333:root' } }, false],
    ['a Deny to "*"', { ...ANYONE_READ, Effect: 'Deny' }, false],
    ['not an object', 'Allow *', false],
  ])('%s → %s', (_name, statement, expected) => {
    expect(isPublicStatement(statement)).toBe(expected);
  });
});

describe('isPublicStatement: conditions that narrow "*" (positive operator, concrete value)', () => {
  it.each([
    [
      'aws:SourceArn (ArnEquals)',
      { ArnEquals: { 'aws:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/E1' } },
    ],
    ['AWS:SourceArn spelled as Lambda writes it', { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' } }],
    [
      'aws:SourceArn with a wildcard after a concrete account',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:111122223333:*' } },
    ],
    ['aws:SourceAccount', { StringEquals: { 'aws:SourceAccount': '111122223333' } }],
    ['aws:PrincipalOrgID', { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
    [
      'aws:PrincipalOrgID under ForAnyValue',
      { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgID': ['o-a1b2c3d4e5'] } },
    ],
    [
      'aws:PrincipalOrgPaths below a concrete organisation',
      { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/*' } },
    ],
    ['aws:SourceVpce', { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }],
    ['aws:SourceIp /24', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
    ['aws:SourceIp /8 and a host', { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '198.51.100.7'] } }],
    ['aws:SourceIp IPv6 /48', { IpAddress: { 'aws:SourceIp': '2001:db8:1234::/48' } }],
    [
      'one narrowing clause among others',
      { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
    ],
  ])('%s → not public', (_name, condition) => {
    expect(isPublicStatement(withCondition(condition))).toBe(false);
  });
});

describe('isPublicStatement: conditions that do not narrow', () => {
  it.each([
    ['a negated operator (StringNotEquals)', { StringNotEquals: { 'aws:SourceAccount': '111122223333' } }],
    ['a negated operator (ArnNotLike)', { ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::uploads' } }],
    ['NotIpAddress', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
    [
      '…IfExists (a request without the key passes)',
      { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } },
    ],
    [
      'ForAllValues (vacuously true without the key)',
      { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    ],
    ['Null', { Null: { 'aws:SourceVpce': 'false' } }],
    ['a "*" value', { StringLike: { 'aws:SourceAccount': '*' } }],
    ['a "*" among concrete values', { StringEquals: { 'aws:SourceAccount': ['111122223333', '*'] } }],
    [
      'a wildcard where the account is named',
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:us-east-1:*:alerts' } },
    ],
    ['a wildcard bucket ARN', { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }],
    ['a wildcard organisation', { StringLike: { 'aws:PrincipalOrgID': 'o-*' } }],
    ['aws:SourceIp 0.0.0.0/0', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }],
    [
      'aws:SourceIp 0.0.0.0/1 (wider than /8)',
      { IpAddress: { 'aws:SourceIp': ['0.0.0.0/1', '128.0.0.0/1'] } },
    ],
    ['aws:SourceIp ::/0 beside a /24', { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '::/0'] } }],
    ['an empty value list', { StringEquals: { 'aws:SourceVpce': [] } }],
    ['an unrelated key', { Bool: { 'aws:SecureTransport': 'true' } }],
    ['a key that is not about the caller (aws:UserAgent)', { StringEquals: { 'aws:UserAgent': 'my-app' } }],
    ['aws:SourceIp under a string operator', { StringEquals: { 'aws:SourceIp': '203.0.113.5' } }],
  ])('%s → public', (_name, condition) => {
    expect(isPublicStatement(withCondition(condition))).toBe(true);
  });
});

describe('publicStatements', () => {
  it('reads an object, a JSON string or a URL-encoded string, and names each public statement by index and Sid', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { ...ANYONE_READ, Principal: { Service: 'cloudtrail.amazonaws.com' } },
        ANYONE_READ,
        {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['s3:ListBucket'],
          Resource: 'arn:aws:s3:::site-assets',
        },
      ],
    };
    const expected = [
      { index: 1, sid: 'AnyoneRead', actions: ['s3:GetObject'] },
      { index: 2, actions: ['s3:ListBucket'] },
    ];
    expect(publicStatements(policy)).toEqual(expected);
    expect(publicStatements(JSON.stringify(policy))).toEqual(expected);
    expect(publicStatements(encodeURIComponent(JSON.stringify(policy)))).toEqual(expected);
  });

  it('reads a single statement object and counts indexes over the whole Statement list', () => {
    expect(publicStatements({ Statement: ANYONE_READ })).toEqual([
      { index: 0, sid: 'AnyoneRead', actions: ['s3:GetObject'] },
    ]);
    expect(publicStatements({ Statement: ['junk', ANYONE_READ] })).toEqual([
      { index: 1, sid: 'AnyoneRead', actions: ['s3:GetObject'] },
    ]);
  });

  it('is empty for what is not a policy', () => {
    for (const value of [undefined, null, '', 'not json', 42, { Statement: 'x' }])
      expect(publicStatements(value)).toEqual([]);
  });
});

describe('publicStatements: explicit Denies weighed against the Allows', () => {
  const ALLOW_ALL = {
    Sid: 'AllowAll',
    Effect: 'Allow',
    Principal: '*',
    Action: ['s3:GetObject', 's3:PutObject'],
    Resource: ['arn:aws:s3:::site-assets', 'arn:aws:s3:::site-assets/*'],
  };
  const DENY = {
    Sid: 'DenyOutside',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: ['arn:aws:s3:::site-assets', 'arn:aws:s3:::site-assets/*'],
  };
  const judge = (deny: object, allow: object = ALLOW_ALL) =>
    publicStatements({ Version: '2012-10-17', Statement: [allow, deny] }).map((s) => s.sid);

  it.each([
    ['StringNotEquals aws:SourceVpce', { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } }],
    [
      'StringNotEquals aws:SourceVpce, two endpoints',
      { StringNotEquals: { 'aws:SourceVpce': ['vpce-1', 'vpce-2'] } },
    ],
    ['StringNotEquals aws:PrincipalOrgID', { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } }],
    [
      'StringNotEqualsIgnoreCase aws:PrincipalOrgID',
      { StringNotEqualsIgnoreCase: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    ],
    [
      'StringNotLike aws:PrincipalOrgPaths',
      { StringNotLike: { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/*' } },
    ],
    ['NotIpAddress aws:SourceIp /24', { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }],
    ['NotIpAddress aws:SourceIp /8', { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }],
    [
      'ArnNotLike aws:PrincipalArn in one account',
      { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:*' } },
    ],
    [
      'StringNotEquals aws:SourceVpc, key spelled in upper case',
      { StringNotEquals: { 'AWS:SOURCEVPC': 'vpc-1a2b' } },
    ],
    [
      'two negations ANDed: outside the endpoint and outside the range',
      {
        StringNotEquals: { 'aws:SourceVpce': 'vpce-1' },
        NotIpAddress: { 'aws:SourceIp': '198.51.100.0/24' },
      },
    ],
  ])('a Deny to "*" unless %s closes the Allow', (_name, Condition) => {
    expect(judge({ ...DENY, Condition })).toEqual([]);
  });

  it('a Deny to {AWS: "*"} with no condition closes it; so do exact actions and resources', () => {
    expect(judge({ ...DENY, Principal: { AWS: '*' }, Condition: undefined })).toEqual([]);
    expect(
      judge({
        ...DENY,
        Action: ['s3:putobject', 's3:GetObject'],
        Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
      }),
    ).toEqual([]);
    expect(judge({ ...DENY, Action: '*', Resource: '*', Condition: undefined })).toEqual([]);
    expect(
      judge({ ...DENY, Action: 's3:Get*', Condition: undefined }, { ...ALLOW_ALL, Action: 's3:GetObject*' }),
    ).toEqual([]);
    expect(judge({ ...DENY, Resource: 'arn:aws:s3:::site-assets*', Condition: undefined })).toEqual([]);
  });

  it.each([
    ['an action set that misses one allowed action', { Action: 's3:GetObject' }],
    ['a narrower wildcard than the allowed one', { Action: 's3:Get*' }],
    ['NotAction', { Action: undefined, NotAction: 's3:DeleteBucket' }],
    ['no Action at all', { Action: undefined }],
    ['a partial resource set (objects only)', { Resource: 'arn:aws:s3:::site-assets/*' }],
    ['another bucket', { Resource: ['arn:aws:s3:::other', 'arn:aws:s3:::other/*'] }],
    ['NotResource', { Resource: undefined, NotResource: 'arn:aws:s3:::logs/*' }],
    [
      'a resource differing in case (ARNs are case-sensitive)',
      { Resource: ['arn:aws:s3:::SITE-ASSETS', 'arn:aws:s3:::SITE-ASSETS/*'] },
    ],
    ['Principal an account, not "*"', { Principal: { AWS: 'arn:aws:iam::111122223333:root' } }],
    ['Principal a service', { Principal: { Service: 'cloudfront.amazonaws.com' } }],
    ['NotPrincipal', { Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }],
    ['an Allow, not a Deny', { Effect: 'Allow' }],
    ['a world SourceIp (/7)', { Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/7' } } }],
    ['a "*" value', { Condition: { StringNotLike: { 'aws:PrincipalOrgID': '*' } } }],
    ['a wildcard organisation', { Condition: { StringNotLike: { 'aws:PrincipalOrgID': 'o-*' } } }],
    [
      'a positive operator (denies only from the endpoint)',
      { Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } },
    ],
    ['…IfExists', { Condition: { StringNotEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } } }],
    [
      'ForAnyValue:',
      { Condition: { 'ForAnyValue:StringNotEquals': { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
    ],
    ['a key that is not about the caller', { Condition: { StringNotEquals: { 'aws:UserAgent': 'my-app' } } }],
    ['NotIpAddress on a non-IP key', { Condition: { NotIpAddress: { 'aws:SourceVpce': '10.0.0.0/16' } } }],
    [
      'an extra clause the Deny also needs (aws:ViaAWSService false)',
      {
        Condition: {
          StringNotEquals: { 'aws:SourceVpce': 'vpce-1' },
          Bool: { 'aws:ViaAWSService': 'false' },
        },
      },
    ],
    ['a non-string value', { Condition: { StringNotEquals: { 'aws:SourceVpce': ['vpce-1', 7] } } }],
    ['an empty condition object', { Condition: {} }],
  ])('a Deny with %s does not close the Allow', (_name, change) => {
    expect(judge({ ...DENY, ...change })).toContain('AllowAll');
  });

  it('an Allow with NotAction is closed only by a Deny of Action "*"', () => {
    const notAction = { ...ALLOW_ALL, Action: undefined, NotAction: 's3:DeleteBucket' };
    expect(judge({ ...DENY, Condition: undefined }, notAction)).toEqual(['AllowAll']);
    expect(judge({ ...DENY, Action: '*', Condition: undefined }, notAction)).toEqual([]);
  });

  it('an Allow without Resource is closed only by a Deny without Resource or with "*"', () => {
    const noResource = { ...ALLOW_ALL, Resource: undefined };
    expect(judge({ ...DENY, Condition: undefined }, noResource)).toEqual(['AllowAll']);
    expect(judge({ ...DENY, Resource: undefined, Condition: undefined }, noResource)).toEqual([]);
    expect(judge({ ...DENY, Resource: '*', Condition: undefined }, noResource)).toEqual([]);
  });

  it('weighs each Allow on its own: a Deny closing one leaves another public', () => {
    const listBucket = {
      Sid: 'AnyoneList',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::site-assets',
    };
    const deny = {
      ...DENY,
      Action: ['s3:GetObject', 's3:PutObject'],
      Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
    };
    const policy = { Statement: [ALLOW_ALL, listBucket, deny] };
    expect(publicStatements(policy).map((s) => s.sid)).toEqual(['AnyoneList']);
    expect(publicStatements(JSON.stringify(policy)).map((s) => s.index)).toEqual([1]);
  });

  it('isPublicStatement still judges one statement alone', () => {
    expect(isPublicStatement(ALLOW_ALL)).toBe(true);
  });
});
