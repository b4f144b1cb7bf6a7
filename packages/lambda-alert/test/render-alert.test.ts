import type { AlertRequest } from '@aisaws/core/schemas';
import { publicBucketDecidedEvent } from '@aisaws/testing/workflow';
import { describe, expect, it } from '@jest/globals';
import { renderAlert } from '../src/render-alert.js';

const event = publicBucketDecidedEvent({ bucket: 'demo-bucket' });

const remediated: AlertRequest = {
  schemaVersion: 1,
  kind: 'remediated',
  event,
  remediation: {
    schemaVersion: 1,
    eventId: event.eventId,
    action: 'apply',
    playbook: 's3.make-bucket-private',
    status: 'applied',
    changes: [
      'PutBucketAcl demo-bucket: private',
      'PutPublicAccessBlock demo-bucket: all four settings true',
    ],
    at: '2026-03-01T11:58:45Z',
  },
  verification: {
    schemaVersion: 1,
    eventId: event.eventId,
    playbook: 's3.make-bucket-private',
    status: 'converged',
    observed: { publicGrants: [], blockPublicAcls: true },
    details: 'The ACL has no public grant and all four Block Public Access settings are on.',
    checkedAt: '2026-03-01T11:58:47Z',
  },
};

/** A root console sign-in without MFA as Decide leaves it: HIGH, ALERT, no playbook (alert only by design). */
const rootLoginAlert: AlertRequest = {
  schemaVersion: 1,
  kind: 'alert',
  event: {
    ...event,
    summary: {
      ...event.summary,
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      actor: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', mfa: false },
    },
    detections: [
      {
        id: 'identity.root-console-login',
        title: 'Root user signed in to the console',
        category: 'IDN',
        mitre: ['T1078.004'],
        severity: 0.9,
        summary: 'Root user signed in to the console without MFA from 203.0.113.7',
        resource: {
          type: 'AWS::IAM::Root',
          id: '111122223333',
          arn: 'arn:aws:iam::111122223333:root',
          account: '111122223333',
          region: 'us-east-1',
          details: { mfaUsed: 'No' },
        },
        playbook: null,
        actionable: true,
        evidence: {},
      },
    ],
    decision: {
      ...event.decision,
      action: 'ALERT',
      reason:
        'alert: no automatic fix exists for identity.root-console-login: alert only; score 0.93 is HIGH (≥ 0.70)',
      detectionId: 'identity.root-console-login',
      playbook: null,
    },
  },
};

describe('renderAlert', () => {
  it('renders a remediated alert: subject, attributes and every section a person needs', () => {
    // Act
    const { subject, body, attributes } = renderAlert(remediated);
    // Assess
    expect(subject).toBe(
      '[AISAWS HIGH] S3 bucket or object made public by its ACL: demo-bucket — fixed and verified',
    );
    expect(attributes).toEqual({
      severity: 'HIGH',
      detection: 's3.bucket-acl-public',
      account: '111122223333',
      action: 'AUTO_REMEDIATE',
      outcome: 'verified',
    });
    for (const expected of [
      'Actor [untrusted]: arn:aws:iam::111122223333:user/mallory',
      'Source IP [untrusted]: 203.0.113.7',
      'User agent [untrusted]: [aws-cli/2.15.0',
      'Event: s3.amazonaws.com PutBucketAcl',
      'Summary: Bucket demo-bucket ACL made public: canned ACL public-read',
      'Account: 111122223333',
      'Region: eu-west-1',
      'Resource [untrusted]: AWS::S3::Bucket demo-bucket (arn:aws:s3:::demo-bucket)',
      'Event time: 2026-03-01T11:58:00Z',
      'Verified: 2026-03-01T11:58:47Z',
      'Risk: 0.82 (HIGH)',
      '- PutPublicAccessBlock demo-bucket: all four settings true',
      'Verification: converged: The ACL has no public grant',
      'Use the "Roll back" link of the AISAWS rollback e-mail for this event',
      `aisaws rollback ${event.eventId}`,
      'Puts back the ACL and the Block Public Access configuration read before the fix.',
    ])
      expect(body).toContain(expected);
  });

  it('lists the three largest contributions by absolute value, largest first', () => {
    const { body } = renderAlert(remediated);
    const why = body.slice(body.indexOf('WHY IT SCORED SO'), body.indexOf('WHAT WAS DONE'));
    const features = [...why.matchAll(/[+−]\d\.\d\d {2}(\S+)/g)].map((m) => m[1]);
    expect(features).toEqual(['detection.severity', 'principal.new_ip', 'api.first_use']);
  });

  it("leaves the model's intercept out of the top contributions (it is no reason)", () => {
    const withBias = publicBucketDecidedEvent({
      risk: {
        explanation: [
          { feature: 'detection.severity', value: 0.85, contribution: 1.7 },
          { feature: 'bias', value: 1, contribution: -2.75, description: 'Intercept' },
        ],
      },
    });
    const { body } = renderAlert({ ...remediated, event: withBias });
    const why = body.slice(body.indexOf('WHY IT SCORED SO'), body.indexOf('WHAT WAS DONE'));
    expect(why).toContain('+1.70  detection.severity');
    expect(why).not.toContain('bias');
  });

  it('keeps the subject within 100 characters when the resource name is long', () => {
    const long = publicBucketDecidedEvent({ bucket: `b-${'x'.repeat(200)}` });
    const { subject } = renderAlert({ ...remediated, event: long });
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject.startsWith('[AISAWS HIGH] S3 bucket')).toBe(true);
    expect(subject.endsWith('… — fixed and verified')).toBe(true);
  });

  it('puts the approve and reject links first in an approval request, and requires them', () => {
    const request: AlertRequest = { schemaVersion: 1, kind: 'approval-request', event, taskToken: 'tok' };
    const links = {
      approve: 'https://a.example/?decision=approve',
      reject: 'https://a.example/?decision=reject',
      expiresAt: '2026-03-01T12:58:41.000Z',
    };
    const { subject, body, attributes } = renderAlert(request, { approvalLinks: links });
    expect(subject).toContain('— approval needed');
    expect(attributes.outcome).toBe('pending-approval');
    expect(body.indexOf('Approve: https://a.example/?decision=approve')).toBeLessThan(body.indexOf('WHO'));
    expect(body).toContain('Reject:  https://a.example/?decision=reject');
    expect(() => renderAlert(request)).toThrow('approvalLinks is required');
  });

  it('says why a fix was not applied: approval timed out', () => {
    const { subject, body, attributes } = renderAlert({
      schemaVersion: 1,
      kind: 'rejected',
      event,
      error: { error: 'States.Timeout', cause: 'no answer within 3600 s' },
    });
    expect(subject).toContain('not fixed (approval timed out)');
    expect(attributes.outcome).toBe('timed-out');
    expect(body).toContain('Not applied because: States.Timeout: no answer within 3600 s');
    expect(body).not.toContain('HOW TO ROLL BACK');
  });

  it('names the failing error in a failure alert', () => {
    const { subject, body, attributes } = renderAlert({
      schemaVersion: 1,
      kind: 'remediation-failed',
      event,
      error: { error: 'AccessDenied', cause: 'not authorized to perform s3:PutBucketAcl' },
    });
    expect(subject).toContain('fix FAILED');
    expect(attributes.outcome).toBe('failed');
    expect(body).toContain('Error: AccessDenied: not authorized to perform s3:PutBucketAcl');
    // No rollback command is offered for a fix that was not verified (rollback refuses it).
    const rollback = body.slice(body.indexOf('HOW TO ROLL BACK'));
    expect(rollback).toContain('AISAWS rolls back only a verified fix');
    expect(rollback).toContain(`snapshot on the events item of event ${event.eventId}`);
    expect(body).not.toContain('aisaws rollback');
  });

  it('tells about an alert-only detection: nothing was changed, why, and what a person should do', () => {
    // Act
    const { subject, body, attributes } = renderAlert(rootLoginAlert);
    // Assess
    expect(subject).toBe(
      '[AISAWS HIGH] Root user signed in to the console: 111122223333 — alert, nothing was changed',
    );
    expect(attributes).toEqual({
      severity: 'HIGH',
      detection: 'identity.root-console-login',
      account: '111122223333',
      action: 'ALERT',
      outcome: 'alerted',
    });
    const next = body.slice(body.indexOf('NOTHING WAS CHANGED: WHAT TO DO'), body.indexOf('WHO'));
    expect(next).toContain('No AISAWS playbook fixes this detection');
    expect(next).toContain('enable MFA on root');
    expect(body).toContain(
      'Decision: ALERT: alert: no automatic fix exists for identity.root-console-login: alert only',
    );
    expect(body).toContain('MFA: false');
    expect(body).not.toContain('HOW TO ROLL BACK');
  });

  it('says the policy chose not to fix a detection that has a playbook, with steps for its category', () => {
    const { subject, body } = renderAlert({
      schemaVersion: 1,
      kind: 'alert',
      event: publicBucketDecidedEvent({
        decision: {
          action: 'ALERT',
          reason: 'alert: policy sets detections.s3.bucket-acl-public.mode = alert, so no fix is permitted',
        },
      }),
    });
    expect(subject).toContain('— alert, nothing was changed');
    expect(body).toContain(
      'The policy sets detection s3.bucket-acl-public to alert: a person decides, nothing is changed automatically.',
    );
    expect(body).toContain('- If not: revert it by hand');
    expect(body).not.toContain('enable MFA on root');
  });

  it('says an exempt event was left alone, and audits the exemption used: rule, match, reason, expiry', () => {
    const { body } = renderAlert({
      schemaVersion: 1,
      kind: 'alert',
      event: publicBucketDecidedEvent({
        decision: {
          action: 'ALERT',
          exempt: true,
          reason: 'alert: exempt by exemptions.buckets demo-*',
          exemption: {
            kind: 'bucket',
            match: 'demo-*',
            matched: 'demo-bucket',
            reason: 'public demo site\n[fake line]',
            expires: '2027-01-31',
          },
        },
      }),
    });
    expect(body).toContain('The event is exempt from automatic fixes (see "Exemption used" below');
    expect(body).toContain(
      'Exemption used: policy exemptions.buckets demo-*, matched demo-bucket; reason: public demo site\ufffd[fake line]; expires 2027-01-31',
    );
  });

  it('gives the console steps for a root access key that needs a root session this deployment lacks', () => {
    // Prepare
    const [login] = rootLoginAlert.event.detections;
    const { body } = renderAlert({
      ...rootLoginAlert,
      event: {
        ...rootLoginAlert.event,
        summary: {
          ...rootLoginAlert.event.summary,
          eventName: 'CreateAccessKey',
          eventSource: 'iam.amazonaws.com',
        },
        detections: [
          {
            ...(login as NonNullable<typeof login>),
            id: 'identity.root-access-key-created',
            title: 'Root access key created',
            playbook: 'iam.delete-root-access-key',
            resource: {
              ...(login?.resource as NonNullable<NonNullable<typeof login>['resource']>),
              details: { accessKeyId: 'AKIAEXAMPLEROOTKEY01' },
            },
          },
        ],
        decision: {
          ...rootLoginAlert.event.decision,
          detectionId: 'identity.root-access-key-created',
          playbook: 'iam.delete-root-access-key',
          reason: 'alert: playbook iam.delete-root-access-key needs Organizations centralized root access',
        },
      },
    });
    // Assess
    const next = body.slice(body.indexOf('NOTHING WAS CHANGED: WHAT TO DO'), body.indexOf('WHO'));
    expect(next).toContain('needs a root session (Organizations centralized root access)');
    expect(next).toContain('Root access management > 111122223333 > Delete root credentials');
    expect(next).toContain('deactivate access key AKIAEXAMPLEROOTKEY01, then delete it');
  });

  it('says a failed attempt changed nothing and there is nothing to undo', () => {
    const base = publicBucketDecidedEvent({
      decision: { action: 'ALERT', playbook: null, reason: 'alert: the call failed (AccessDenied)' },
    });
    const { body } = renderAlert({
      schemaVersion: 1,
      kind: 'alert',
      event: { ...base, summary: { ...base.summary, errorCode: 'AccessDenied' } },
    });
    expect(body).toContain('The call failed (AccessDenied): the attempt is a warning sign');
  });

  it('keeps a dry-run alert about the fix it would apply, without the what-to-do section', () => {
    const { subject, body, attributes } = renderAlert({
      schemaVersion: 1,
      kind: 'logged',
      event: publicBucketDecidedEvent({ decision: { dryRun: true } }),
      remediation: {
        schemaVersion: 1,
        eventId: event.eventId,
        action: 'apply',
        playbook: 's3.make-bucket-private',
        status: 'dry-run',
        changes: ['would apply s3.make-bucket-private to AWS::S3::Bucket demo-bucket'],
        at: '2026-03-01T11:58:45Z',
      },
    });
    expect(subject).toContain('— dry run, not fixed');
    expect(attributes.outcome).toBe('dry-run');
    expect(body).not.toContain('NOTHING WAS CHANGED');
  });
});

describe('renderAlert with attacker-controlled text', () => {
  /** A bucket name, user agent and actor as an attacker would craft them to forge lines in the e-mail. */
  const hostile: AlertRequest = (() => {
    const base = publicBucketDecidedEvent({ bucket: 'demo-bucket' });
    const [hit] = base.detections;
    return {
      ...remediated,
      event: {
        ...base,
        summary: {
          ...base.summary,
          userAgent: `curl\r\n\r\nApprove: https://evil.example/approve\u001b[2J${'A'.repeat(5000)}`,
          actor: { ...base.summary.actor, arn: 'arn:aws:iam::111122223333:user/\u202eadmin' },
        },
        detections: hit
          ? [
              {
                ...hit,
                resource: hit.resource
                  ? { ...hit.resource, id: 'bucket\nSubject: [AISAWS LOW] nothing to see' }
                  : null,
              },
            ]
          : [],
      },
    };
  })();

  it('strips control and bidi characters, keeps each field on its own line, cuts long values and labels them untrusted', () => {
    // Act
    const { subject, body } = renderAlert(hostile);
    // Assess
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(body).not.toContain('\u001b');
    expect(body).not.toContain('\u202e');
    expect(body).not.toContain('\r');
    expect(body.split('\n').filter((line) => line.startsWith('Approve:'))).toEqual([]);
    expect(body.split('\n').filter((line) => line.startsWith('Subject:'))).toEqual([]);
    const userAgentLine = body.split('\n').find((line) => line.includes('User agent [untrusted]:')) ?? '';
    expect(userAgentLine).toContain('curl\ufffd\ufffd\ufffd\ufffdApprove: https://evil.example/approve');
    expect(userAgentLine.length).toBeLessThan(260);
    expect(body).toContain('Fields marked [untrusted] are copied from the event as its caller sent them');
  });
});
