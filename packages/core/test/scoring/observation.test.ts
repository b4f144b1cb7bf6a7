import { describe, expect, it } from '@jest/globals';
import { observationOf } from '../../src/scoring/index.js';
import { iamUserRecord, ingest } from './fixtures.js';

describe('observationOf', () => {
  it('keys an assumed-role call by its role, with API, origin, event time and denial', () => {
    // Prepare
    const event = ingest(
      iamUserRecord({
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::111122223333:assumed-role/deployer/session-42',
          sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/deployer' } },
        },
        eventID: 'obs-1',
        errorCode: 'Client.UnauthorizedOperation',
      }),
    );

    // Act
    const observation = observationOf(event);

    // Assess
    expect(observation).toEqual({
      eventId: 'obs-1',
      principal: 'arn:aws:iam::111122223333:role/deployer',
      api: 'ec2.amazonaws.com:DescribeInstances',
      sourceIp: '198.51.100.10',
      region: 'eu-west-1',
      at: Date.parse('2026-11-20T10:00:00Z'),
      denied: true,
    });
  });

  it('falls back to receivedAt when the record has no time, and leaves out what it does not know', () => {
    // Prepare
    const { eventTime: _time, sourceIPAddress: _ip, awsRegion: _region, ...bare } = iamUserRecord();
    const event = ingest(bare);

    // Act
    const observation = observationOf(event);

    // Assess
    expect(observation.at).toBe(Date.parse(event.receivedAt));
    expect(observation).not.toHaveProperty('sourceIp');
    expect(observation).not.toHaveProperty('region');
    expect(observation.denied).toBe(false);
  });
});
