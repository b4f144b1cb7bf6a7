import { describe, expect, it } from '@jest/globals';
import { iamActionFor } from './helpers/harness.js';

describe('test harness: iamActionFor', () => {
  it.each([
    ['S3Client', 'PutBucketAclCommand', 's3:PutBucketAcl'],
    ['S3Client', 'GetPublicAccessBlockCommand', 's3:GetBucketPublicAccessBlock'],
    ['S3Client', 'DeletePublicAccessBlockCommand', 's3:PutBucketPublicAccessBlock'],
    ['S3ControlClient', 'GetPublicAccessBlockCommand', 's3:GetAccountPublicAccessBlock'],
    ['S3ControlClient', 'DeletePublicAccessBlockCommand', 's3:PutAccountPublicAccessBlock'],
    ['EC2Client', 'DescribeSecurityGroupRulesCommand', 'ec2:DescribeSecurityGroupRules'],
    ['ConfigServiceClient', 'StartConfigurationRecorderCommand', 'config:StartConfigurationRecorder'],
  ])('%s %s → %s', (client, command, action) => {
    expect(iamActionFor(client, command)).toBe(action);
  });

  it('throws for a client it has no IAM prefix for', () => {
    expect(() => iamActionFor('SomeOtherClient', 'DoThingCommand')).toThrow('SomeOtherClient');
  });
});
