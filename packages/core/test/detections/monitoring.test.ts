import { describe, expect, it } from '@jest/globals';
import { detectedIds, fixture, hitOf, objectAt } from './fixtures.js';

describe('GuardDuty', () => {
  it('fires on enable=false only, not when the detector is enabled again', () => {
    const enabled = fixture('monitoring/guardduty-detector-suspended.json', (raw) => {
      objectAt(raw, 'requestParameters').enable = true;
    });
    expect(detectedIds(enabled)).toEqual([]);
    expect(
      hitOf(fixture('monitoring/guardduty-detector-suspended.json'), 'guardduty.detector-suspended').playbook,
    ).toBe('guardduty.enable-detector');
  });

  it('ignores a NOOP filter and an inactive IP set', () => {
    const noop = fixture('monitoring/guardduty-archive-filter.json', (raw) => {
      objectAt(raw, 'requestParameters').action = 'NOOP';
    });
    const ipSet = fixture('monitoring/guardduty-archive-filter.json', (raw) => {
      raw.eventName = 'CreateIPSet';
      raw.requestParameters = {
        detectorId: 'd1',
        name: 'office',
        format: 'TXT',
        location: 's3://b/ips.txt',
        activate: false,
      };
    });
    expect(detectedIds(noop)).toEqual([]);
    expect(detectedIds(ipSet)).toEqual([]);
  });

  it('skips the GuardDuty service-linked role', () => {
    const serviceLinked = fixture('monitoring/guardduty-detector-deleted.json', (raw) => {
      raw.userIdentity = {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::210987654321:assumed-role/AWSServiceRoleForAmazonGuardDuty/GuardDuty',
        sessionContext: {
          sessionIssuer: {
            arn: 'arn:aws:iam::210987654321:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty',
          },
        },
      };
    });
    expect(detectedIds(serviceLinked)).toEqual([]);
  });
});

describe('Config, flow logs and resolver query logs', () => {
  it('gives the config recorder name to the playbook', () => {
    expect(
      hitOf(fixture('monitoring/config-recorder-stopped.json'), 'config.recorder-stopped').resource,
    ).toMatchObject({
      type: 'AWS::Config::ConfigurationRecorder',
      id: 'default',
    });
  });

  it('reads the flow log id from the EC2 XML-style request', () => {
    expect(
      hitOf(fixture('monitoring/flow-logs-deleted.json'), 'ec2.flow-logs-deleted').resource?.details,
    ).toEqual({ flowLogIds: ['fl-0c9d8e7f6a5b4c3d2'] });
  });

  it('keeps the destination of a deleted resolver query log config', () => {
    expect(
      hitOf(fixture('monitoring/resolver-query-log-deleted.json'), 'route53resolver.query-logging-deleted')
        .resource?.details,
    ).toMatchObject({
      destinationArn: 'arn:aws:s3:::dns-query-logs-eu',
    });
  });
});

describe('Security Hub', () => {
  it('fires on BatchUpdateFindings only when findings are suppressed', () => {
    const update = (status: string) =>
      fixture('monitoring/securityhub-disabled.json', (raw) => {
        raw.eventName = 'BatchUpdateFindings';
        raw.requestParameters = {
          FindingIdentifiers: [
            { Id: 'f-1', ProductArn: 'arn:aws:securityhub:eu-west-3::product/aws/guardduty' },
          ],
          Workflow: { Status: status },
        };
      });
    expect(detectedIds(update('SUPPRESSED'))).toEqual(['securityhub.disabled']);
    expect(detectedIds(update('RESOLVED'))).toEqual([]);
  });
});
