import { describe, expect, it } from '@jest/globals';
import { detectedIds, fixture, hitOf, objectAt } from './fixtures.js';

const ID = 'ec2.security-group-open-to-world';

describe('ec2.security-group-open-to-world', () => {
  it('takes the rule ids from responseElements.securityGroupRuleSet for the revoke', () => {
    const hit = hitOf(fixture('ec2-network/sg-open-22-flattened.json'), ID);
    expect(hit.resource?.details).toMatchObject({
      groupId: 'sg-0a1b2c3d4e5f60718',
      securityGroupRuleIds: ['sgr-0f1e2d3c4b5a69788'],
      adminPorts: [22],
    });
    expect(hit.severity).toBe(0.8);
  });

  it('parses the prefix length, so an anonymised x.x.x.x/0 is still the world', () => {
    const anonymised = fixture('ec2-network/sg-open-22-flattened.json', (raw) => {
      objectAt(raw, 'requestParameters').cidrIp = '203.0.113.77/0';
      delete (raw as { responseElements?: unknown }).responseElements;
    });
    expect(detectedIds(anonymised)).toEqual([ID]);
  });

  it('reads nested ipPermissions with IPv6 ranges when the response has no rule set', () => {
    const hit = hitOf(fixture('ec2-network/sg-open-ipv6-nested.json'), ID);
    expect(hit.resource?.details).toMatchObject({
      openRules: [{ cidr: '::/0', protocol: 'tcp', fromPort: 3389, toPort: 3389 }],
    });
  });

  it('handles ModifySecurityGroupRules with the modified rule id', () => {
    const hit = hitOf(fixture('ec2-network/sg-modify-rule-open.json'), ID);
    expect(hit.resource?.details).toMatchObject({
      groupId: 'sg-0fedcba9876543210',
      securityGroupRuleIds: ['sgr-0aa11bb22cc33dd44'],
      adminPorts: [5432],
    });
  });

  it('weighs all traffic above admin ports above web-only ports', () => {
    const severityFor = (protocol: string, from: number, to: number) =>
      hitOf(
        fixture('ec2-network/sg-open-22-flattened.json', (raw) => {
          const rule = (
            objectAt(raw, 'responseElements', 'securityGroupRuleSet').items as Record<string, unknown>[]
          )[0] as Record<string, unknown>;
          Object.assign(rule, { ipProtocol: protocol, fromPort: from, toPort: to });
        }),
        ID,
      ).severity;
    expect(severityFor('-1', -1, -1)).toBeGreaterThan(severityFor('tcp', 22, 22));
    expect(severityFor('tcp', 22, 22)).toBeGreaterThan(severityFor('tcp', 8443, 8443));
    expect(severityFor('tcp', 8443, 8443)).toBeGreaterThan(severityFor('tcp', 443, 443));
  });

  it('takes any range wider than /8 (IPv4) or /32 (IPv6) for the world, not only /0', () => {
    const withCidr = (cidr: string) =>
      fixture('ec2-network/sg-open-22-flattened.json', (raw) => {
        objectAt(raw, 'requestParameters').cidrIp = cidr;
        const rule = (
          objectAt(raw, 'responseElements', 'securityGroupRuleSet').items as Record<string, unknown>[]
        )[0] as Record<string, unknown>;
        delete rule.cidrIpv4;
        if (cidr.includes(':')) rule.cidrIpv6 = cidr;
        else rule.cidrIpv4 = cidr;
      });
    expect(hitOf(withCidr('0.0.0.0/1'), ID).resource?.details).toMatchObject({
      openRules: [expect.objectContaining({ cidr: '0.0.0.0/1' })],
    });
    expect(detectedIds(withCidr('128.0.0.0/7'))).toEqual([ID]);
    expect(detectedIds(withCidr('2000::/3'))).toEqual([ID]);
    expect(detectedIds(withCidr('10.0.0.0/8'))).toEqual([]);
    expect(detectedIds(withCidr('2001:db8::/32'))).toEqual([]);
  });

  it('ignores a specific CIDR, a /16 that only looks like 0.0.0.0, an egress rule and a failed call', () => {
    const setCidr = (cidr: string) =>
      fixture('ec2-network/sg-open-22-flattened.json', (raw) => {
        objectAt(raw, 'requestParameters').cidrIp = cidr;
        const rule = (
          objectAt(raw, 'responseElements', 'securityGroupRuleSet').items as Record<string, unknown>[]
        )[0] as Record<string, unknown>;
        rule.cidrIpv4 = cidr;
      });
    const egress = fixture('ec2-network/sg-open-22-flattened.json', (raw) => {
      const rule = (
        objectAt(raw, 'responseElements', 'securityGroupRuleSet').items as Record<string, unknown>[]
      )[0] as Record<string, unknown>;
      rule.isEgress = true;
      objectAt(raw, 'requestParameters').cidrIp = '10.0.0.0/8';
    });
    const failed = fixture('ec2-network/sg-open-22-flattened.json', (raw) => {
      raw.errorCode = 'InvalidPermission.Duplicate';
    });
    expect([
      detectedIds(setCidr('198.51.100.7/32')),
      detectedIds(setCidr('0.0.0.0/16')),
      detectedIds(egress),
      detectedIds(failed),
    ]).toEqual([[], [], [], []]);
  });
});

describe('ec2.network-acl-open-to-world', () => {
  it('reports the rule number and ignores egress or deny entries', () => {
    expect(
      hitOf(fixture('ec2-network/nacl-open-to-world.json'), 'ec2.network-acl-open-to-world').resource
        ?.details,
    ).toMatchObject({ ruleNumber: 90 });
    const egress = fixture('ec2-network/nacl-open-to-world.json', (raw) => {
      objectAt(raw, 'requestParameters').egress = true;
    });
    const deny = fixture('ec2-network/nacl-open-to-world.json', (raw) => {
      objectAt(raw, 'requestParameters').ruleAction = 'deny';
    });
    expect(detectedIds(egress)).toEqual([]);
    expect(detectedIds(deny)).toEqual([]);
  });
});
