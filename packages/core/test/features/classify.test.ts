import { describe, expect, it } from '@jest/globals';
import {
  classifyError,
  classifyIdentity,
  classifySourceIp,
  classifyUserAgent,
  isDeniedError,
  isOffensiveUserAgent,
  isReadOnlyCall,
} from '../../src/features/index.js';

describe('classifySourceIp', () => {
  it.each([
    ['ec2.amazonaws.com', 'aws-service'],
    ['AWS Internal', 'aws-service'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.10.20', 'private'],
    ['127.0.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['172.32.0.1', 'public'],
    ['198.51.100.23', 'public'],
    ['2001:db8::1', 'public'],
    ['225.01.00.16', 'invalid'],
    ['240.1.2.3', 'invalid'],
    ['300.1.2.3', 'invalid'],
    ['1.2.3', 'invalid'],
    ['not-an-ip', 'invalid'],
    [undefined, 'absent'],
    ['', 'absent'],
  ])('%s is %s', (ip, expected) => {
    // Act & Assess
    expect(classifySourceIp(ip)).toBe(expected);
  });
});

describe('classifyUserAgent', () => {
  it.each([
    ['signin.amazonaws.com', 'console'],
    ['console.amazonaws.com', 'console'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)', 'console'],
    ['aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux', 'aws-cli'],
    ['[aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux]', 'aws-cli'],
    ['Boto3/1.28.0 md/Botocore#1.31.0 ua/2.0 os/linux', 'sdk'],
    ['aws-sdk-go/1.44.0 (go1.20; linux; amd64)', 'sdk'],
    ['[aws-sdk-java/1.12.0 Linux/5.10]', 'sdk'],
    ['APN/1.0 HashiCorp/1.0 Terraform/1.5.2 (+https://www.terraform.io) terraform-provider-aws/5.7.0', 'iac'],
    ['aws-cdk/2.100.0', 'iac'],
    ['pulumi-aws/6.0.0', 'iac'],
    ['cloudformation.amazonaws.com', 'iac'],
    ['stratus-red-team_9a1b7e55-ef37-4d5f-8b11-f2b9b9d3e4a1', 'other'],
    [undefined, 'absent'],
  ])('%s is %s', (ua, expected) => {
    // Act & Assess
    expect(classifyUserAgent(ua)).toBe(expected);
  });

  it('flags attack tooling even inside S3 brackets or a Terraform user agent', () => {
    // Act & Assess
    expect(isOffensiveUserAgent('[stratus-red-team_9a1b7e55]')).toBe(true);
    expect(isOffensiveUserAgent('APN/1.0 HashiCorp/1.0 Terraform/1.5.2 stratus-red-team_9a1b7e55')).toBe(
      true,
    );
    expect(isOffensiveUserAgent('Boto3/1.17 Python/3.9 Linux/5.15-kali2-amd64 Botocore/1.20')).toBe(true);
    expect(isOffensiveUserAgent('S3 Browser 10.9.9 https://s3browser.com')).toBe(true);
    expect(isOffensiveUserAgent('TruffleHog')).toBe(true);
    expect(isOffensiveUserAgent('aws-cli/2.15.30 md/awscrt#0.19.19')).toBe(false);
    expect(isOffensiveUserAgent(undefined)).toBe(false);
  });
});

describe('classifyIdentity', () => {
  it.each([
    ['Root', 'root'],
    ['IAMUser', 'iam-user'],
    ['AssumedRole', 'assumed-role'],
    ['FederatedUser', 'federated'],
    ['SAMLUser', 'federated'],
    ['WebIdentityUser', 'federated'],
    ['AWSService', 'aws-service'],
    ['Unknown', 'other'],
  ])('%s is %s', (type, expected) => {
    // Act & Assess
    expect(classifyIdentity(type)).toBe(expected);
  });
});

describe('classifyError', () => {
  it.each([
    ['AccessDenied', 'denied'],
    ['AccessDeniedException', 'denied'],
    ['Client.UnauthorizedOperation', 'denied'],
    ['UnauthorizedOperation', 'denied'],
    ['TrailNotFoundException', 'other'],
    ['Client.VcpuLimitExceeded', 'other'],
    [undefined, 'none'],
  ])('%s is %s', (code, expected) => {
    // Act & Assess
    expect(classifyError(code)).toBe(expected);
    expect(isDeniedError(code)).toBe(expected === 'denied');
  });
});

describe('isReadOnlyCall', () => {
  it('trusts CloudTrail readOnly when present, else the API verb', () => {
    // Act & Assess
    expect(isReadOnlyCall(false, 'DescribeInstances')).toBe(false);
    expect(isReadOnlyCall(true, 'PutBucketAcl')).toBe(true);
    expect(isReadOnlyCall(undefined, 'DescribeInstances')).toBe(true);
    expect(isReadOnlyCall(undefined, 'ListBuckets')).toBe(true);
    expect(isReadOnlyCall(undefined, 'Getaway')).toBe(false);
    expect(isReadOnlyCall(undefined, 'PutBucketAcl')).toBe(false);
  });
});
