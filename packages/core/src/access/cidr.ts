/**
 * CIDR ranges as AISAWS judges them. A range is "the world" when its prefix is shorter than /8 for IPv4 (more than
 * 16.7 million addresses: larger than any single allocation, `0.0.0.0/1` is half the internet) or shorter than /32
 * for IPv6 (larger than a regional registry's minimum allocation to an ISP). The same rule serves security-group
 * detection, the security-group playbook and `aws:SourceIp` conditions in resource policies.
 */

/** IPv4 prefixes shorter than this are the world. */
const WORLD_IPV4_PREFIX = 8;
/** IPv6 prefixes shorter than this are the world. */
const WORLD_IPV6_PREFIX = 32;

interface Cidr {
  readonly family: 4 | 6;
  readonly prefix: number;
  /** The address part as written (lower case), without the prefix. */
  readonly address: string;
}

/**
 * Reads `a.b.c.d/n` or an IPv6 `x:y::z/n`; a bare address is a /32 (IPv4) or /128 (IPv6). The address part is
 * only checked for its family (CloudTrail datasets anonymise addresses as `208.1.2.3/0` or `075.050.255.67`); the
 * prefix must be an integer in range. Anything else is undefined.
 */
function parseCidr(text: string): Cidr | undefined {
  const trimmed = text.trim().toLowerCase();
  const slash = trimmed.lastIndexOf('/');
  const address = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const family = address.includes(':') ? 6 : /^\d{1,3}(\.\d{1,3}){3}$/.test(address) ? 4 : undefined;
  if (family === undefined) return undefined;
  if (family === 6 && !/^[0-9a-f:.]+$/.test(address)) return undefined;
  const max = family === 4 ? 32 : 128;
  if (slash < 0) return { family, prefix: max, address };
  const bits = trimmed.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return undefined;
  return { family, prefix: Number(bits), address };
}

/** True when the range is the world (see above): `0.0.0.0/0`, `::/0`, `0.0.0.0/1`, `128.0.0.0/7`, `2000::/3` … */
function isWorldCidr(text: string | undefined): text is string {
  if (text === undefined) return false;
  const cidr = parseCidr(text);
  if (!cidr) return false;
  return cidr.prefix < (cidr.family === 4 ? WORLD_IPV4_PREFIX : WORLD_IPV6_PREFIX);
}

/** The IPv4 network of a range as a 32-bit number (host bits cleared), or undefined when an octet is over 255. */
function ipv4Network(cidr: Cidr): number | undefined {
  const octets = cidr.address.split('.').map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  const value = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const size = 2 ** (32 - cidr.prefix);
  return Math.floor(value / size) * size;
}

/**
 * The same range however it is written: same family and prefix, and the same network (IPv4, host bits ignored;
 * IPv6 compared as written, case-insensitively); any two /0 of one family are the same.
 */
function sameCidr(a: string, b: string): boolean {
  const left = parseCidr(a);
  const right = parseCidr(b);
  if (!left || !right || left.family !== right.family || left.prefix !== right.prefix) return false;
  if (left.prefix === 0) return true;
  if (left.family === 4) {
    const l = ipv4Network(left);
    return l !== undefined && l === ipv4Network(right);
  }
  return left.address === right.address;
}

export type { Cidr };
export { isWorldCidr, parseCidr, sameCidr, WORLD_IPV4_PREFIX, WORLD_IPV6_PREFIX };
