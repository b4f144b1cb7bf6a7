import { describe, expect, it } from '@jest/globals';
import { catalog } from '../../src/detections/index.js';
import { detectedIds, fixture, hitOf, objectAt } from './fixtures.js';

describe('lambda triggers', () => {
  it('lists the dated CloudTrail names of the function URL and permission calls', () => {
    const names = catalog.triggersBySource().get('lambda.amazonaws.com') ?? [];
    expect(names).toEqual(
      expect.arrayContaining([
        'CreateFunctionUrlConfig20211031',
        'UpdateFunctionUrlConfig20211031',
        'AddPermission20150331v2',
      ]),
    );
  });
});

describe('lambda.function-url-public', () => {
  it('ignores AWS_IAM auth', () => {
    const iamAuth = fixture('lambda/function-url-public.json', (raw) => {
      objectAt(raw, 'requestParameters').authType = 'AWS_IAM';
    });
    expect(detectedIds(iamAuth)).toEqual([]);
  });
});

describe('lambda.permission-public', () => {
  it('gives the statement id to the remove-permission playbook', () => {
    expect(
      hitOf(fixture('lambda/permission-public.json'), 'lambda.permission-public').resource?.details,
    ).toMatchObject({ statementId: 'open-invoke', principal: '*' });
  });

  it('ignores a service principal limited by sourceArn and a permission for our own account', () => {
    const s3Trigger = fixture('lambda/permission-public.json', (raw) => {
      Object.assign(objectAt(raw, 'requestParameters'), {
        principal: 's3.amazonaws.com',
        sourceArn: 'arn:aws:s3:::uploads',
      });
    });
    const own = fixture('lambda/permission-public.json', (raw) => {
      objectAt(raw, 'requestParameters').principal = '210987654321';
    });
    expect(detectedIds(s3Trigger)).toEqual([]);
    expect(detectedIds(own)).toEqual([]);
  });

  it('ignores "*" limited by sourceAccount (in the request, and in the statement Lambda wrote)', () => {
    const scoped = fixture('lambda/permission-public.json', (raw) => {
      objectAt(raw, 'requestParameters').sourceAccount = '210987654321';
      const response = objectAt(raw, 'responseElements');
      const statement = JSON.parse(String(response.statement));
      statement.Condition = { StringEquals: { 'AWS:SourceAccount': '210987654321' } };
      response.statement = JSON.stringify(statement);
    });
    const requestOnly = fixture('lambda/permission-public.json', (raw) => {
      objectAt(raw, 'requestParameters').sourceAccount = '210987654321';
      delete objectAt(raw, 'responseElements').statement;
    });
    expect(detectedIds(scoped)).toEqual([]);
    expect(detectedIds(requestOnly)).toEqual([]);
  });

  it('flags "*" whose condition does not narrow: a wildcard source, a negated operator, an IfExists', () => {
    const withCondition = (condition: object) =>
      fixture('lambda/permission-public.json', (raw) => {
        const response = objectAt(raw, 'responseElements');
        const statement = JSON.parse(String(response.statement));
        statement.Condition = condition;
        response.statement = JSON.stringify(statement);
      });
    expect(detectedIds(withCondition({ ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::*' } }))).toContain(
      'lambda.permission-public',
    );
    expect(
      detectedIds(withCondition({ StringNotEquals: { 'AWS:SourceAccount': '111122223333' } })),
    ).toContain('lambda.permission-public');
    expect(
      detectedIds(withCondition({ StringEqualsIfExists: { 'AWS:SourceAccount': '111122223333' } })),
    ).toContain('lambda.permission-public');
  });
});

describe('code and layer changes by people', () => {
  it('ignores a deploy pipeline role', () => {
    const pipeline = fixture('lambda/code-updated-by-person.json', (raw) => {
      raw.userIdentity = {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::210987654321:assumed-role/github-deploy/run-8812',
        sessionContext: {
          sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::210987654321:role/github-deploy' },
        },
      };
    });
    expect(detectedIds(pipeline)).toEqual([]);
  });

  it('weighs a layer from a foreign account above our own layer, and ignores a change without layers', () => {
    const ownLayer = fixture('lambda/layer-added-by-person.json', (raw) => {
      const layer = 'arn:aws:lambda:eu-west-3:210987654321:layer:common:4';
      objectAt(raw, 'requestParameters').layers = [layer];
      objectAt(raw, 'responseElements').layers = [{ arn: layer }];
    });
    const noLayers = fixture('lambda/layer-added-by-person.json', (raw) => {
      raw.requestParameters = { functionName: 'billing-webhook', timeout: 30 };
      delete objectAt(raw, 'responseElements').layers;
    });
    expect(hitOf(ownLayer, 'lambda.layer-added-by-person').severity).toBeLessThan(
      hitOf(fixture('lambda/layer-added-by-person.json'), 'lambda.layer-added-by-person').severity,
    );
    expect(detectedIds(noLayers)).toEqual([]);
  });
});
