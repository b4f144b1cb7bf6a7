import { describe, expect, it } from '@jest/globals';
import { sanitizeUntrusted } from '../../src/events/untrusted.js';

describe('sanitizeUntrusted', () => {
  it('replaces C0/C1 controls, DEL, bidi overrides, zero-width characters and line separators', () => {
    // Prepare
    const text = 'a\nb\r\tc\u0000d\u007fe\u0085f\u202eg\u200bh\u2028i\ufeffj';
    // Act
    const safe = sanitizeUntrusted(text);
    // Assess
    expect(safe).toBe('a\ufffdb\ufffd\ufffdc\ufffdd\ufffde\ufffdf\ufffdg\ufffdh\ufffdi\ufffdj');
  });

  it('keeps ordinary text, accents and emoji as they are', () => {
    expect(sanitizeUntrusted('café – 東京 🚀 arn:aws:s3:::b')).toBe('café – 東京 🚀 arn:aws:s3:::b');
  });

  it('cuts to the limit in characters (not UTF-16 units) and marks the cut', () => {
    expect(sanitizeUntrusted('🚀'.repeat(10), 5)).toBe('🚀🚀🚀🚀…');
    expect(sanitizeUntrusted('short', 5)).toBe('short');
    expect(sanitizeUntrusted(12345)).toBe('12345');
  });
});
