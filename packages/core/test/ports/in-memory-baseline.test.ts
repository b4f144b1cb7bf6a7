import { describe, expect, it } from '@jest/globals';
import { type BaselineObservation, InMemoryBaselineStore } from '../../src/ports/index.js';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const MINUTE = 60_000;

function call(eventId: string, overrides: Partial<BaselineObservation> = {}): BaselineObservation {
  return {
    eventId,
    principal: 'arn:aws:iam::111122223333:user/alice',
    api: 'ec2.amazonaws.com:DescribeInstances',
    sourceIp: '198.51.100.10',
    region: 'eu-west-1',
    at: T0,
    denied: false,
    ...overrides,
  };
}

describe('InMemoryBaselineStore', () => {
  it('knows nothing about a first call', async () => {
    // Prepare
    const store = new InMemoryBaselineStore();

    // Act
    const snapshot = await store.observe(call('e1'));

    // Assess
    expect(snapshot).toEqual({
      principalSeenBefore: false,
      apiSeenBefore: false,
      ipSeenBefore: false,
      regionSeenBefore: false,
      recentCalls: 0,
      recentDenied: 0,
    });
  });

  it('remembers the principal, its APIs, IPs and regions', async () => {
    // Prepare
    const store = new InMemoryBaselineStore();
    await store.observe(call('e1'));

    // Act
    const same = await store.observe(call('e2', { at: T0 + 1000 }));
    const novel = await store.observe(
      call('e3', {
        at: T0 + 2000,
        api: 's3.amazonaws.com:PutBucketAcl',
        sourceIp: '203.0.113.9',
        region: 'us-east-1',
      }),
    );

    // Assess
    expect(same).toMatchObject({
      principalSeenBefore: true,
      apiSeenBefore: true,
      ipSeenBefore: true,
      regionSeenBefore: true,
    });
    expect(novel).toMatchObject({
      principalSeenBefore: true,
      apiSeenBefore: false,
      ipSeenBefore: false,
      regionSeenBefore: false,
    });
    expect(novel.recentCalls).toBe(2);
  });

  it('is idempotent per eventId: same snapshot, counted once', async () => {
    // Prepare
    const store = new InMemoryBaselineStore();
    await store.observe(call('e1'));
    const first = await store.observe(call('e2', { at: T0 + 1000, denied: true }));

    // Act
    const again = await store.observe(call('e2', { at: T0 + 1000, denied: true }));
    const next = await store.observe(call('e3', { at: T0 + 2000 }));

    // Assess
    expect(again).toEqual(first);
    expect(next.recentCalls).toBe(2);
    expect(next.recentDenied).toBe(1);
  });

  it('replays any remembered snapshot exactly, flags and counts', async () => {
    // Prepare
    const store = new InMemoryBaselineStore();
    await store.observe(call('d1', { at: T0 - 3000, denied: true }));
    await store.observe(call('d2', { at: T0 - 2000, denied: true, sourceIp: '203.0.113.5' }));
    await store.observe(call('ok', { at: T0 - 1000 }));
    const first = await store.observe(
      call('mixed', { api: 'iam.amazonaws.com:CreateUser', region: 'us-east-1' }),
    );

    // Act
    const replay = await store.observe(
      call('mixed', { api: 'iam.amazonaws.com:CreateUser', region: 'us-east-1' }),
    );

    // Assess
    expect(first).toEqual({
      principalSeenBefore: true,
      apiSeenBefore: false,
      ipSeenBefore: true,
      regionSeenBefore: false,
      recentCalls: 3,
      recentDenied: 2,
    });
    expect(replay).toEqual(first);
  });

  it('counts calls and denied calls in the window by event time', async () => {
    // Prepare
    const store = new InMemoryBaselineStore({ windowMs: 5 * MINUTE });
    await store.observe(call('old', { at: T0 - 6 * MINUTE, denied: true }));
    await store.observe(call('d1', { at: T0 - 2 * MINUTE, denied: true }));
    await store.observe(call('d2', { at: T0 - 1 * MINUTE, denied: true }));
    await store.observe(call('ok', { at: T0 - 30_000 }));

    // Act
    const snapshot = await store.observe(call('now', { at: T0 }));

    // Assess
    expect(snapshot.recentCalls).toBe(3);
    expect(snapshot.recentDenied).toBe(2);
  });

  it('handles out-of-order arrival: "seen" by arrival order, the window by event time', async () => {
    // Prepare
    const store = new InMemoryBaselineStore({ windowMs: 5 * MINUTE });
    await store.observe(call('later', { at: T0 + 2 * MINUTE, api: 'iam.amazonaws.com:CreateUser' }));
    await store.observe(call('before', { at: T0 - MINUTE }));

    // Act
    const snapshot = await store.observe(
      call('late-arrival', { at: T0, api: 'iam.amazonaws.com:CreateUser' }),
    );

    // Assess
    expect(snapshot.apiSeenBefore).toBe(true);
    expect(snapshot.recentCalls).toBe(1);
  });

  it('keeps principals apart', async () => {
    // Prepare
    const store = new InMemoryBaselineStore();
    await store.observe(call('e1'));

    // Act
    const other = await store.observe(call('e2', { principal: 'arn:aws:iam::111122223333:user/bob' }));

    // Assess
    expect(other.principalSeenBefore).toBe(false);
    expect(other.recentCalls).toBe(0);
  });

  it('treats a missing IP or region as nothing new', async () => {
    // Prepare
    const store = new InMemoryBaselineStore();
    await store.observe(call('e1'));

    // Act
    const { sourceIp: _ip, region: _region, ...bare } = call('e2');
    const snapshot = await store.observe(bare);

    // Assess
    expect(snapshot.ipSeenBefore).toBe(true);
    expect(snapshot.regionSeenBefore).toBe(true);
  });

  it('bounds memory: the oldest principal and the oldest IP are forgotten first', async () => {
    // Prepare
    const store = new InMemoryBaselineStore({ maxPrincipals: 2, maxIpsPerPrincipal: 2 });
    await store.observe(call('a1', { principal: 'a', sourceIp: '198.51.100.1' }));
    await store.observe(call('a2', { principal: 'a', sourceIp: '198.51.100.2' }));
    await store.observe(call('a3', { principal: 'a', sourceIp: '198.51.100.3' }));
    await store.observe(call('b1', { principal: 'b' }));
    await store.observe(call('c1', { principal: 'c' }));

    // Act
    const forgottenPrincipal = await store.observe(call('a4', { principal: 'a' }));
    const remembered = await store.observe(call('c2', { principal: 'c' }));

    // Assess
    expect(store.principalCount).toBe(2);
    expect(forgottenPrincipal.principalSeenBefore).toBe(false);
    expect(remembered.principalSeenBefore).toBe(true);
  });

  it('forgets the oldest IP of a principal when its IP set is full', async () => {
    // Prepare
    const store = new InMemoryBaselineStore({ maxIpsPerPrincipal: 2 });
    await store.observe(call('e1', { sourceIp: '198.51.100.1' }));
    await store.observe(call('e2', { sourceIp: '198.51.100.2' }));
    await store.observe(call('e3', { sourceIp: '198.51.100.3' }));

    // Act
    const oldest = await store.observe(call('e4', { sourceIp: '198.51.100.1' }));
    const newest = await store.observe(call('e5', { sourceIp: '198.51.100.3' }));

    // Assess
    expect(oldest.ipSeenBefore).toBe(false);
    expect(newest.ipSeenBefore).toBe(true);
  });

  it('refuses a window that is not positive', () => {
    // Act & Assess
    expect(() => new InMemoryBaselineStore({ windowMs: 0 })).toThrow('windowMs must be > 0');
  });
});
