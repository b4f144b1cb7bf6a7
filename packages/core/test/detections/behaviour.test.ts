import { describe, expect, it } from '@jest/globals';
import { detectedIds, fixture, hitOf, objectAt } from './fixtures.js';

/** credentials.ts, compute.ts, organizations.ts and recon.ts: actor behaviour, where failed attempts count. */

describe('failed attempts of actor-behaviour rows are signals, never actionable', () => {
  it.each([
    ['credentials/password-data-denied.json', 'ec2.password-data-read'],
    ['compute/unusual-instance-launch.json', 'ec2.unusual-instance-launch'],
    ['organizations/leave-attempt-denied.json', 'organizations.leave-attempt'],
  ])('%s', (path, id) => {
    const hit = hitOf(fixture(path), id);
    expect(hit.actionable).toBe(false);
    expect(hit.summary).toMatch(/^Attempt failed \(/);
  });
});

describe('credential reads', () => {
  it('ignores parameter reads without decryption and attribute reads other than userData', () => {
    const plain = fixture('credentials/ssm-parameters-decrypted.json', (raw) => {
      objectAt(raw, 'requestParameters').withDecryption = false;
    });
    const other = fixture('credentials/user-data-read.json', (raw) => {
      objectAt(raw, 'requestParameters').attribute = 'instanceType';
    });
    expect(detectedIds(plain)).toEqual([]);
    expect(detectedIds(other)).toEqual([]);
  });

  it('keeps a single secret read low and a many-parameter read higher', () => {
    expect(
      hitOf(fixture('credentials/secret-read.json'), 'secretsmanager.secret-read').severity,
    ).toBeLessThan(0.3);
    const one = fixture('credentials/ssm-parameters-decrypted.json', (raw) => {
      objectAt(raw, 'requestParameters').names = ['/prod/db/password'];
    });
    expect(hitOf(one, 'ssm.securestring-decrypted').severity).toBeLessThan(
      hitOf(fixture('credentials/ssm-parameters-decrypted.json'), 'ssm.securestring-decrypted').severity,
    );
  });
});

describe('compute', () => {
  it('ignores an ordinary instance launch and reads the dictionary form of instanceType', () => {
    const small = fixture('compute/unusual-instance-launch.json', (raw) => {
      const req = objectAt(raw, 'requestParameters');
      req.instanceType = 't3.micro';
      objectAt(req, 'instancesSet').items = [{ imageId: 'ami-0f1e2d3c4b5a69788', minCount: 1, maxCount: 1 }];
    });
    const dictionary = fixture('compute/unusual-instance-launch.json', (raw) => {
      const req = objectAt(raw, 'requestParameters');
      req.instanceType = { value: 'p4d.24xlarge' };
      objectAt(req, 'instancesSet').items = [{ imageId: 'ami-0f1e2d3c4b5a69788', minCount: 1, maxCount: 1 }];
    });
    expect(detectedIds(small)).toEqual([]);
    expect(detectedIds(dictionary)).toEqual(['ec2.unusual-instance-launch']);
  });

  it('ignores SendCommand with a non-shell document and weighs fan-out higher', () => {
    const patch = fixture('compute/ssm-send-command.json', (raw) => {
      objectAt(raw, 'requestParameters').documentName = 'AWS-RunPatchBaseline';
    });
    const single = fixture('compute/ssm-send-command.json', (raw) => {
      objectAt(raw, 'requestParameters').instanceIds = ['i-0aa1bb2cc3dd4ee5f'];
    });
    expect(detectedIds(patch)).toEqual([]);
    expect(hitOf(single, 'ssm.send-command').severity).toBeLessThan(
      hitOf(fixture('compute/ssm-send-command.json'), 'ssm.send-command').severity,
    );
  });

  it('ignores IMDSv2 being required and a ModifyInstanceAttribute without user data', () => {
    const required = fixture('compute/imdsv1-allowed.json', (raw) => {
      objectAt(raw, 'requestParameters', 'ModifyInstanceMetadataOptionsRequest').HttpTokens = 'required';
    });
    const typeChange = fixture('compute/user-data-modified.json', (raw) => {
      raw.requestParameters = { instanceId: 'i-0aa1bb2cc3dd4ee5f', instanceType: { value: 'm7g.large' } };
    });
    expect(detectedIds(required)).toEqual([]);
    expect(detectedIds(typeChange)).toEqual([]);
  });
});

describe('recon.offensive-tool-user-agent', () => {
  it('ignores the ordinary CLI', () => {
    const cli = fixture('recon/trufflehog-caller-identity.json', (raw) => {
      raw.userAgent = 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64';
    });
    expect(detectedIds(cli)).toEqual([]);
  });
});

describe('alert-only rows for less common services', () => {
  it('weighs a Glue endpoint with an SSH key above one without', () => {
    const noKey = fixture('compute/glue-dev-endpoint-created.json', (raw) => {
      delete objectAt(raw, 'requestParameters').publicKey;
    });
    expect(hitOf(noKey, 'glue.dev-endpoint-changed').severity).toBeLessThan(
      hitOf(fixture('compute/glue-dev-endpoint-created.json'), 'glue.dev-endpoint-changed').severity,
    );
  });

  it('ignores SES sending being switched off', () => {
    const off = fixture('compute/ses-sending-enabled.json', (raw) => {
      raw.eventName = 'UpdateAccountSendingEnabled';
      raw.requestParameters = { enabled: false };
    });
    expect(detectedIds(off)).toEqual([]);
  });

  it('ignores a failed console sign-in token request', () => {
    const failed = fixture('identity/console-session-from-keys.json', (raw) => {
      raw.responseElements = { GetSigninToken: 'Failure' };
    });
    expect(detectedIds(failed)).toEqual([]);
  });
});

describe('identity.console-session-from-keys', () => {
  it('skips IAM Identity Center portal sign-ins', () => {
    const portal = fixture('identity/console-session-from-keys.json', (raw) => {
      raw.userIdentity = {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::210987654321:assumed-role/AWSReservedSSO_Admin_0a1b/maria.lopez',
      };
      raw.userAgent = 'Jersey/2.35';
    });
    expect(detectedIds(portal)).toEqual([]);
  });
});
