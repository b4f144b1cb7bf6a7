import { describe, expect, it } from '@jest/globals';
import { detectedIds, fixture, hitOf } from './fixtures.js';

describe('ec2.traffic-mirroring-changed (traffic-mirroring.ts)', () => {
  it('reads the wrapped request and rates a new session above its parts', () => {
    const session = hitOf(
      fixture('compute/traffic-mirror-session-created.json'),
      'ec2.traffic-mirroring-changed',
    );
    const target = hitOf(
      fixture('compute/traffic-mirror-session-created.json', (raw) => {
        raw.eventName = 'CreateTrafficMirrorTarget';
        raw.requestParameters = {
          CreateTrafficMirrorTargetRequest: {
            ClientToken: 'c-1',
            NetworkInterfaceId: 'eni-0f1e2d3c4b5a69788',
          },
        };
      }),
      'ec2.traffic-mirroring-changed',
    );
    expect(session.severity).toBe(0.7);
    expect(session.summary).toContain('eni-0a1b2c3d4e5f60718');
    expect(target.severity).toBe(0.45);
  });

  it('counts a failed session attempt, never as actionable, and ignores reads', () => {
    const failed = fixture('compute/traffic-mirror-session-created.json', (raw) => {
      raw.errorCode = 'Client.NetworkInterfaceNotSupported';
    });
    const hit = hitOf(failed, 'ec2.traffic-mirroring-changed');
    expect(hit.actionable).toBe(false);
    expect(hit.summary).toMatch(/^Attempt failed/);
    const read = fixture('compute/traffic-mirror-session-created.json', (raw) => {
      raw.eventName = 'DescribeTrafficMirrorSessions';
    });
    expect(detectedIds(read)).toEqual([]);
  });
});

describe('codebuild.project-public (codebuild.ts)', () => {
  it('flags PUBLIC_READ and ignores making a project private', () => {
    expect(
      hitOf(fixture('codebuild/project-public.json'), 'codebuild.project-public').resource,
    ).toMatchObject({
      id: 'web-frontend-ci',
      arn: 'arn:aws:codebuild:eu-west-3:210987654321:project/web-frontend-ci',
    });
    const privateAgain = fixture('codebuild/project-public.json', (raw) => {
      (raw.requestParameters as Record<string, unknown>).projectVisibility = 'PRIVATE';
    });
    expect(detectedIds(privateAgain)).toEqual([]);
  });
});
