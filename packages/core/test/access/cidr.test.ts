import { describe, expect, it } from '@jest/globals';
import { isWorldCidr, parseCidr, sameCidr } from '../../src/access/index.js';

describe('isWorldCidr: any IPv4 prefix shorter than /8, any IPv6 prefix shorter than /32', () => {
  it.each([
    ['0.0.0.0/0', true],
    ['0.0.0.0/1', true],
    ['128.0.0.0/1', true],
    ['10.0.0.0/7', true],
    ['208.1.2.3/0', true], // an anonymised dataset address keeps its prefix
    ['::/0', true],
    ['2000::/3', true],
    ['2001:db8::/31', true],
    ['10.0.0.0/8', false],
    ['203.0.113.0/24', false],
    ['198.51.100.7', false],
    ['2001:db8::/32', false],
    ['2001:db8::1', false],
  ])('%s → %s', (cidr, expected) => {
    expect(isWorldCidr(cidr)).toBe(expected);
  });

  it('is false for what is not a range', () => {
    for (const value of [
      undefined,
      '',
      'anywhere',
      '0.0.0.0/33',
      '::/129',
      '1.2.3/0',
      '10.0.0.0/x',
      'sg-123',
    ])
      expect(isWorldCidr(value)).toBe(false);
  });
});

describe('parseCidr', () => {
  it('reads the family and prefix, a bare address as a host route', () => {
    expect(parseCidr('10.1.0.0/16')).toEqual({ family: 4, prefix: 16, address: '10.1.0.0' });
    expect(parseCidr('2001:DB8::/48')).toEqual({ family: 6, prefix: 48, address: '2001:db8::' });
    expect(parseCidr('192.0.2.1')).toMatchObject({ family: 4, prefix: 32 });
    expect(parseCidr('::1')).toMatchObject({ family: 6, prefix: 128 });
  });
});

describe('sameCidr', () => {
  it('compares the network, not the spelling', () => {
    expect(sameCidr('0.0.0.0/0', '208.1.2.3/0')).toBe(true);
    expect(sameCidr('10.1.2.3/8', '10.0.0.0/8')).toBe(true);
    expect(sameCidr('0.0.0.0/1', '128.0.0.0/1')).toBe(false);
    expect(sameCidr('0.0.0.0/0', '::/0')).toBe(false);
    expect(sameCidr('10.0.0.0/8', '10.0.0.0/7')).toBe(false);
    expect(sameCidr('2001:DB8::/31', '2001:db8::/31')).toBe(true);
  });
});
