import { describe, expect, it } from '@jest/globals';
import {
  approvalKeyId,
  approvalMarkerKey,
  signApprovalLink,
  verifyApprovalLink,
} from '../../src/approval/links.js';

const KEY = 'test-signing-key-0123456789';
const NOW = new Date('2026-03-01T12:00:00Z');
const EXPIRES_AT = Math.floor(NOW.getTime() / 1000) + 3600;
const TASK_TOKEN = 'AQCEAAAAKgAAAAMAAAAA+/token==with/odd+chars';

function queryOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}

describe('signApprovalLink / verifyApprovalLink', () => {
  it('round-trips the task token and the decision through a signed link', () => {
    // Prepare
    const url = signApprovalLink({
      baseUrl: 'https://approve.example/',
      taskToken: TASK_TOKEN,
      decision: 'approve',
      expiresAt: EXPIRES_AT,
      key: KEY,
    });
    // Act
    const verdict = verifyApprovalLink(queryOf(url), KEY, NOW);
    // Assess
    expect(url.startsWith('https://approve.example/?token=')).toBe(true);
    expect(queryOf(url).token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(verdict).toEqual({
      valid: true,
      taskToken: TASK_TOKEN,
      decision: 'approve',
      expiresAt: EXPIRES_AT,
    });
  });

  it('refuses a link whose decision was changed as tampered', () => {
    // Prepare
    const query = queryOf(
      signApprovalLink({
        baseUrl: 'https://a.example/',
        taskToken: TASK_TOKEN,
        decision: 'reject',
        expiresAt: EXPIRES_AT,
        key: KEY,
      }),
    );
    // Act
    const verdict = verifyApprovalLink({ ...query, decision: 'approve' }, KEY, NOW);
    // Assess
    expect(verdict).toMatchObject({ valid: false, reason: 'tampered' });
  });

  it('refuses a pushed-back expiry as tampered, and a genuine old link as expired', () => {
    // Prepare
    const query = queryOf(
      signApprovalLink({
        baseUrl: 'https://a.example/',
        taskToken: TASK_TOKEN,
        decision: 'approve',
        expiresAt: EXPIRES_AT,
        key: KEY,
      }),
    );
    const later = new Date((EXPIRES_AT + 1) * 1000);
    // Act
    const extended = verifyApprovalLink({ ...query, expires: String(EXPIRES_AT + 86_400) }, KEY, later);
    const expired = verifyApprovalLink(query, KEY, later);
    // Assess
    expect(extended).toMatchObject({ valid: false, reason: 'tampered' });
    expect(expired).toMatchObject({ valid: false, reason: 'expired' });
  });

  it('refuses a link signed with an earlier key as rotated, and one whose key id was forged as tampered', () => {
    // Prepare
    const query = queryOf(
      signApprovalLink({
        baseUrl: 'https://a.example/',
        taskToken: TASK_TOKEN,
        decision: 'approve',
        expiresAt: EXPIRES_AT,
        key: 'the-key-before-rotation',
      }),
    );
    // Act
    const rotated = verifyApprovalLink(query, KEY, NOW);
    const forged = verifyApprovalLink({ ...query, kid: approvalKeyId(KEY) }, KEY, NOW);
    // Assess
    expect(query.kid).toBe(approvalKeyId('the-key-before-rotation'));
    expect(rotated).toEqual({
      valid: false,
      reason: 'rotated',
      message: 'the link was signed with a key that has since been replaced (rotated)',
    });
    expect(forged).toMatchObject({ valid: false, reason: 'tampered' });
  });

  it('gives each key a 16-hex id that does not contain the key', () => {
    expect(approvalKeyId(KEY)).toMatch(/^[0-9a-f]{16}$/);
    expect(approvalKeyId(KEY)).toBe(approvalKeyId(KEY));
    expect(approvalKeyId(`${KEY}x`)).not.toBe(approvalKeyId(KEY));
  });

  it('names the missing or bad parameter of a malformed link', () => {
    const verdict = verifyApprovalLink({ token: 'abc', decision: 'maybe', expires: '1' }, KEY, NOW);
    expect(verdict.valid).toBe(false);
    if (verdict.valid) return;
    expect(verdict.reason).toBe('malformed');
    expect(verdict.message).toContain('decision');
    expect(verdict.message).toContain('sig');
  });

  it('derives a stable marker key from the task token without storing the token', () => {
    const key = approvalMarkerKey(TASK_TOKEN);
    expect(key).toMatch(/^approval#[0-9a-f]{64}$/);
    expect(key).toBe(approvalMarkerKey(TASK_TOKEN));
    expect(key).not.toContain(TASK_TOKEN);
  });
});

describe('rollback approval links', () => {
  const sign = (rollbackOf?: string) =>
    signApprovalLink({
      baseUrl: 'https://approve.example/',
      taskToken: TASK_TOKEN,
      decision: 'approve',
      expiresAt: EXPIRES_AT,
      key: KEY,
      ...(rollbackOf === undefined ? {} : { rollbackOf }),
    });

  it('carries the event whose fix would be rolled back, signed', () => {
    // Act
    const verdict = verifyApprovalLink(queryOf(sign('event-1')), KEY, NOW);
    // Assess
    expect(verdict).toEqual({
      valid: true,
      taskToken: TASK_TOKEN,
      decision: 'approve',
      expiresAt: EXPIRES_AT,
      rollbackOf: 'event-1',
    });
  });

  it('refuses a link whose event was changed, added or removed (a fix link is no rollback link)', () => {
    // Prepare
    const swapped = { ...queryOf(sign('event-1')), rollback: 'event-2' };
    const added = { ...queryOf(sign()), rollback: 'event-1' };
    const { rollback: _removed, ...removed } = queryOf(sign('event-1'));
    // Act
    const verdicts = [swapped, added, removed].map((query) => verifyApprovalLink(query, KEY, NOW));
    // Assess
    expect(verdicts.map((verdict) => (verdict.valid ? 'valid' : verdict.reason))).toEqual([
      'tampered',
      'tampered',
      'tampered',
    ]);
  });
});
