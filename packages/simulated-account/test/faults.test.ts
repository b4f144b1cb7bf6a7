import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isThrottling } from '@aisaws/lambda-runtime';
import { DescribeSecurityGroupRulesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GetBucketAclCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FaultInjector } from '../src/faults.js';
import { createOutbox } from '../src/outbox.js';
import { SimulatedAccount } from '../src/simulated-account.js';

const fixedNow = () => new Date('2026-11-25T04:00:00.000Z');

function accountWithBucket(faults: ConstructorParameters<typeof FaultInjector>[0] = {}): SimulatedAccount {
  const account = SimulatedAccount.create({ now: fixedNow, faults });
  account.createBucket('reports-1');
  account.deletePublicAccessBlock('reports-1');
  return account;
}

const allBlocked = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/** Sends `count` GetBucketAcl calls and returns, per call, the fault it met (or 'ok'). */
async function outcomes(account: SimulatedAccount, count: number): Promise<string[]> {
  const s3 = account.clientFactory(S3Client, 'us-east-1');
  const seen: string[] = [];
  for (let index = 0; index < count; index += 1) {
    try {
      await s3.send(new GetBucketAclCommand({ Bucket: 'reports-1' }));
      seen.push('ok');
    } catch (error) {
      seen.push((error as Error).name);
    }
  }
  return seen;
}

describe('fault switches of the simulated account', () => {
  it('are all off by default: every call goes through', async () => {
    // Prepare
    const account = accountWithBucket();

    // Act
    const seen = await outcomes(account, 50);

    // Assess
    expect(new Set(seen)).toEqual(new Set(['ok']));
    expect(account.faults.active).toBe(false);
    expect(account.faults.stats).toMatchObject({ calls: 50, throttled: 0, serverErrors: 0, timeouts: 0 });
  });

  it('pick the same failing calls for the same seed, and other calls for another seed', async () => {
    // Prepare
    const switches = { throttleRate: 0.3, serverErrorRate: 0.1 };

    // Act
    const first = await outcomes(accountWithBucket({ ...switches, seed: 7 }), 60);
    const again = await outcomes(accountWithBucket({ ...switches, seed: 7 }), 60);
    const other = await outcomes(accountWithBucket({ ...switches, seed: 8 }), 60);

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first).toContain('SlowDown');
    expect(first).toContain('InternalError');
  });

  it('fail about the share of calls each rate asks for', async () => {
    // Prepare
    const account = accountWithBucket({ throttleRate: 0.2, serverErrorRate: 0.1, seed: 42 });

    // Act
    const seen = await outcomes(account, 4000);

    // Assess
    const share = (name: string) => seen.filter((outcome) => outcome === name).length / seen.length;
    expect(share('SlowDown')).toBeGreaterThan(0.17);
    expect(share('SlowDown')).toBeLessThan(0.23);
    expect(share('InternalError')).toBeGreaterThan(0.08);
    expect(share('InternalError')).toBeLessThan(0.12);
    expect(account.faults.stats.throttled).toBe(seen.filter((outcome) => outcome === 'SlowDown').length);
  });

  it('throttle with the error each service returns, which the Lambdas classify as throttling', async () => {
    // Prepare
    const account = accountWithBucket({ throttleRate: 1 });
    account.createSecurityGroup('web', 'web servers');

    // Act
    const s3Error = await account
      .clientFactory(S3Client, 'us-east-1')
      .send(new GetBucketAclCommand({ Bucket: 'reports-1' }))
      .catch((error: unknown) => error);
    const ec2Error = await account
      .clientFactory(EC2Client, 'us-east-1')
      .send(new DescribeSecurityGroupRulesCommand({}))
      .catch((error: unknown) => error);

    // Assess
    expect(s3Error).toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    expect(ec2Error).toMatchObject({ name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });
    expect(isThrottling(s3Error)).toBe(true);
    expect(isThrottling(ec2Error)).toBe(true);
    expect(account.state.calls.at(-1)).toMatchObject({ outcome: 'error', fault: 'throttle' });
  });

  it('fail with a 5xx marked as a server fault', async () => {
    // Prepare
    const account = accountWithBucket({ serverErrorRate: 1 });

    // Act
    const error = await account
      .clientFactory(S3Client, 'us-east-1')
      .send(new GetBucketAclCommand({ Bucket: 'reports-1' }))
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({
      name: 'InternalError',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    expect(isThrottling(error)).toBe(false);
  });

  it('time out after the delay with the SDK TimeoutError and no HTTP status, changing nothing', async () => {
    // Prepare
    const account = accountWithBucket({ timeoutRate: 1, timeoutDelayMs: 30 });
    const s3 = account.clientFactory(S3Client, 'us-east-1');
    const started = performance.now();

    // Act
    const error = await s3
      .send(
        new PutPublicAccessBlockCommand({ Bucket: 'reports-1', PublicAccessBlockConfiguration: allBlocked }),
      )
      .catch((caught: unknown) => caught);

    // Assess
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(error).toMatchObject({ name: 'TimeoutError', $metadata: {} });
    expect(account.state.buckets['reports-1']?.publicAccessBlock).toBeNull();
    expect(account.faults.stats.timeouts).toBe(1);
  });

  it('with neverConverge answer 200 to a change that does not stick, so a re-read never shows the fix', async () => {
    // Prepare
    const account = accountWithBucket({ neverConverge: true });
    const s3 = account.clientFactory(S3Client, 'us-east-1');
    const sequenceBefore = account.state.sequence;

    // Act
    const put = await s3.send(
      new PutPublicAccessBlockCommand({ Bucket: 'reports-1', PublicAccessBlockConfiguration: allBlocked }),
    );
    const read = await s3
      .send(new GetPublicAccessBlockCommand({ Bucket: 'reports-1' }))
      .catch((error: unknown) => error);

    // Assess
    expect(put.$metadata.httpStatusCode).toBe(200);
    expect(read).toMatchObject({ name: 'NoSuchPublicAccessBlockConfiguration' });
    expect(account.state.calls.at(-2)).toMatchObject({
      operation: 'PutPublicAccessBlock',
      outcome: 'ok',
      fault: 'changeNotKept',
    });
    expect(account.state.sequence).toBeGreaterThanOrEqual(sequenceBefore);
    expect(account.faults.stats.changesNotKept).toBe(1);
  });

  it('limit faults to the calls named in `only`', async () => {
    // Prepare
    const account = accountWithBucket({ throttleRate: 1, only: ['s3:PutPublicAccessBlock'] });
    const s3 = account.clientFactory(S3Client, 'us-east-1');

    // Act
    const read = await s3.send(new GetBucketAclCommand({ Bucket: 'reports-1' }));
    const write = await s3
      .send(
        new PutPublicAccessBlockCommand({ Bucket: 'reports-1', PublicAccessBlockConfiguration: allBlocked }),
      )
      .catch((error: unknown) => error);

    // Assess
    expect(read.Grants).toHaveLength(1);
    expect(write).toMatchObject({ name: 'SlowDown' });
  });

  it('spare the API calls a person makes in a scenario', () => {
    // Prepare
    const account = accountWithBucket({ throttleRate: 1, serverErrorRate: 0, neverConverge: true });
    account.putBucketOwnershipControls('reports-1', 'ObjectWriter');

    // Act
    account.putBucketAcl('reports-1', 'public-read');

    // Assess
    expect(account.bucketExposure('reports-1').isPublic).toBe(true);
  });

  it('can be switched on and off while the account runs, and refuse a bad switch naming it', async () => {
    // Prepare
    const account = accountWithBucket();

    // Act
    account.faults.set({ serverErrorRate: 1 });
    const failing = await outcomes(account, 3);
    account.faults.clear();
    const passing = await outcomes(account, 3);

    // Assess
    expect(failing).toEqual(['InternalError', 'InternalError', 'InternalError']);
    expect(passing).toEqual(['ok', 'ok', 'ok']);
    expect(() => account.faults.set({ throttleRate: 1.5 })).toThrow(
      'simulated account faults: throttleRate: a rate is between 0 and 1',
    );
    expect(() => new FaultInjector({ timeoutRate: -1, seed: 0.5 })).toThrow(/timeoutRate: .*; seed: /);
  });
});

describe('SNS down: the simulated topic refuses Publish', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'aisaws-faults-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('fails every Publish with InternalErrorException 500 and writes no e-mail, then delivers once SNS is back', async () => {
    // Prepare
    const account = SimulatedAccount.create({ now: fixedNow, faults: { snsDown: true } });
    const outbox = createOutbox({ directory, faults: account.faults });
    const publish = () =>
      outbox.client.send(
        new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:alerts', Message: 'hello' }),
      );

    // Act
    const refused = await publish().catch((error: unknown) => error);
    const filesWhileDown = await readdir(directory);
    account.faults.clear();
    await publish();

    // Assess
    expect(refused).toMatchObject({
      name: 'InternalErrorException',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    expect(filesWhileDown).toEqual([]);
    expect(outbox.messages).toHaveLength(1);
    expect(account.faults.stats.snsRejected).toBe(1);
  });
});
