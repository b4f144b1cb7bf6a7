import { describe, expect, it } from '@jest/globals';
import { isInformational } from '../../src/detections/index.js';
import { allDetectedIds, fixture, hitOf } from './fixtures.js';

describe('informational discovery (discovery.ts)', () => {
  it.each([
    ['discovery/iam-groups-for-user.json', 'iam.group-enumeration'],
    ['discovery/alternate-contact-read.json', 'account.contact-discovery'],
    ['discovery/ses-send-quota.json', 'ses.sending-probe'],
    ['discovery/security-hub-described.json', 'recon.security-controls-discovery'],
    ['discovery/iam-role-read-denied.json', 'recon.denied-enumeration'],
  ])('%s is recorded by %s as informational', (path, id) => {
    const hit = hitOf(fixture(path), id);
    expect(isInformational(hit)).toBe(true);
    expect(hit.category).toBe('DIS');
    expect(hit.summary).toContain('ops-jane');
  });

  it('leaves out an AWS service reading with its own session (Trusted Advisor)', () => {
    const trustedAdvisor = fixture('discovery/ses-send-quota.json', (raw) => {
      raw.sourceIPAddress = 'trustedadvisor.amazonaws.com';
      raw.userAgent = 'trustedadvisor.amazonaws.com';
      raw.userIdentity = {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::210987654321:assumed-role/TrustedAdvisorRole/ta-check',
        accountId: '210987654321',
      };
    });
    expect(allDetectedIds(trustedAdvisor)).toEqual([]);
  });

  it('keeps a read CloudFormation makes for a stack (trap T5: the person’s intent)', () => {
    const viaStack = fixture('discovery/iam-groups-for-user.json', (raw) => {
      raw.sourceIPAddress = 'cloudformation.amazonaws.com';
      raw.userAgent = 'cloudformation.amazonaws.com';
      (raw.userIdentity as Record<string, unknown>).invokedBy = 'cloudformation.amazonaws.com';
    });
    expect(allDetectedIds(viaStack)).toEqual(['iam.group-enumeration']);
  });

  it('records a denied IAM read, not an allowed one, nor the console’s own background read', () => {
    const allowed = fixture('discovery/iam-role-read-denied.json', (raw) => {
      delete raw.errorCode;
      delete raw.errorMessage;
    });
    const console = fixture('discovery/iam-role-read-denied.json', (raw) => {
      raw.userAgent = 'aws-internal/3 aws-sdk-java/1.12.638 Linux/5.10 OpenJDK_64-Bit_Server_VM/25.392-b08';
    });
    const notFound = fixture('discovery/iam-role-read-denied.json', (raw) => {
      raw.errorCode = 'NoSuchEntityException';
    });
    expect(hitOf(fixture('discovery/iam-role-read-denied.json'), 'recon.denied-enumeration').summary).toBe(
      'Attempt failed (AccessDenied): GetRole by arn:aws:iam::210987654321:user/ops-jane',
    );
    for (const record of [allowed, console, notFound])
      expect(allDetectedIds(record)).not.toContain('recon.denied-enumeration');
  });
});
