/**
 * Small, total classifiers over the summary fields of an event. Each answers one closed class so that the
 * features built from them are one-hot and the model's weights stay readable. Cheap: `scan` runs them on every
 * event, so no allocation beyond the regexes compiled once here and the remembered answers.
 */

type IdentityClass = 'root' | 'iam-user' | 'assumed-role' | 'federated' | 'aws-service' | 'other';
type SourceIpClass = 'aws-service' | 'private' | 'public' | 'invalid' | 'absent';
type UserAgentFamily = 'console' | 'aws-cli' | 'sdk' | 'iac' | 'other' | 'absent';
type ErrorClass = 'none' | 'denied' | 'other';

/** `userIdentity.type` → its class. `SAMLUser`/`WebIdentityUser`/`FederatedUser` are federated identities. */
function classifyIdentity(type: string): IdentityClass {
  switch (type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return 'iam-user';
    case 'AssumedRole':
      return 'assumed-role';
    case 'FederatedUser':
    case 'SAMLUser':
    case 'WebIdentityUser':
    case 'IdentityCenterUser':
      return 'federated';
    case 'AWSService':
    case 'AWSAccount':
      return 'aws-service';
    default:
      return 'other';
  }
}

/**
 * The answers for the source IPs and user agents seen, remembered: a log repeats a few of them thousands of times, and
 * one map look-up costs less than the regexes (`scan` classifies every event). Bounded: past MAX_REMEMBERED values,
 * new ones (and long ones) are classified every time.
 */
const MAX_REMEMBERED = 10_000;
/** Longer values are not kept (a hostile log can carry megabyte-long user agents). */
const MAX_REMEMBERED_LENGTH = 512;
const sourceIpClasses = new Map<string, SourceIpClass>();
const userAgentFamilies = new Map<string, UserAgentFamily>();
const offensiveUserAgents = new Map<string, boolean>();

function remembered<T>(answers: Map<string, T>, value: string, classify: (value: string) => T): T {
  let answer = answers.get(value);
  if (answer === undefined) {
    answer = classify(value);
    if (answers.size < MAX_REMEMBERED && value.length <= MAX_REMEMBERED_LENGTH) answers.set(value, answer);
  }
  return answer;
}

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9a-f:]+$/i;

/** A dotted quad whose octets are canonical decimals 0–255 (`225.01.00.16`, as anonymizers write, is not). */
function ipv4Octets(ip: string): [number, number, number, number] | undefined {
  const m = DOTTED_QUAD.exec(ip);
  if (!m) return undefined;
  const octets: number[] = [];
  for (let i = 1; i <= 4; i++) {
    const text = m[i] ?? '';
    if (text.length > 1 && text.startsWith('0')) return undefined;
    const n = Number(text);
    if (n > 255) return undefined;
    octets.push(n);
  }
  return octets as [number, number, number, number];
}

/** RFC 1918 private ranges, plus loopback and link-local (never a real remote caller). */
function isPrivateIpv4([a, b]: readonly number[]): boolean {
  return (
    a === 10 ||
    a === 127 ||
    (a === 172 && b !== undefined && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254)
  );
}

/**
 * `sourceIPAddress` → class. AWS services write their own name (`ec2.amazonaws.com`) or `AWS Internal`;
 * multicast/reserved (≥ 224) and non-canonical dotted quads count as invalid (anonymized or sanitized data).
 */
function classifySourceIp(ip: string | undefined): SourceIpClass {
  if (ip === undefined || ip === '') return 'absent';
  return remembered(sourceIpClasses, ip, classifyPresentSourceIp);
}

function classifyPresentSourceIp(ip: string): SourceIpClass {
  if (ip.endsWith('.amazonaws.com') || ip === 'AWS Internal') return 'aws-service';
  const octets = ipv4Octets(ip);
  if (octets) {
    if (isPrivateIpv4(octets)) return 'private';
    if (octets[0] === 0 || octets[0] >= 224) return 'invalid';
    return 'public';
  }
  if (ip.includes(':') && IPV6.test(ip)) {
    const lower = ip.toLowerCase();
    if (lower === '::1' || lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80'))
      return 'private';
    return 'public';
  }
  return 'invalid';
}

const CONSOLE_UA = /^(?:signin|console|[a-z0-9-]+\.console)\.amazonaws\.com|^AWS Internal$|^Mozilla\//i;
const CLI_UA = /^aws-cli\/|\baws-cli\//i;
const SDK_UA =
  /^(?:boto3|botocore|aws-sdk-|aws-sdk\/|aws-internal\/|APN\/|Boto3\/)|\b(?:boto3|botocore|aws-sdk-[a-z]+)\//i;
const IAC_UA = /terraform|hashicorp|aws-cdk|\bcdk\/|pulumi|cloudformation/i;
const OFFENSIVE_UA =
  /stratus-red-team|pacu|trufflehog|s3 browser|kali|parrot|grimoire|cloudsploit|scoutsuite|prowler/i;

/** Strips the brackets S3 puts around the user agent (`[aws-cli/2.13 …]`). */
function unwrapUserAgent(ua: string): string {
  return ua.length > 1 && ua.startsWith('[') && ua.endsWith(']') ? ua.slice(1, -1) : ua;
}

/**
 * The calling tool's family. IaC wins over CLI/SDK (Terraform sends an SDK user agent too); an offensive tool is
 * a separate flag (`isOffensiveUserAgent`), because Stratus runs through Terraform and the SDK.
 */
function classifyUserAgent(userAgent: string | undefined): UserAgentFamily {
  if (userAgent === undefined || userAgent === '') return 'absent';
  return remembered(userAgentFamilies, userAgent, classifyPresentUserAgent);
}

function classifyPresentUserAgent(userAgent: string): UserAgentFamily {
  const ua = unwrapUserAgent(userAgent);
  if (IAC_UA.test(ua)) return 'iac';
  if (CONSOLE_UA.test(ua)) return 'console';
  if (CLI_UA.test(ua)) return 'aws-cli';
  if (SDK_UA.test(ua)) return 'sdk';
  return 'other';
}

/** Known attack or audit tooling (Stratus Red Team, Pacu, TruffleHog, S3 Browser, Kali/Parrot, Grimoire …). */
function isOffensiveUserAgent(userAgent: string | undefined): boolean {
  return userAgent !== undefined && remembered(offensiveUserAgents, userAgent, testOffensive);
}

const testOffensive = (userAgent: string): boolean => OFFENSIVE_UA.test(userAgent);

const DENIED_ERROR = /accessdenied|unauthorizedoperation|unauthorizedaccess|notauthorized/i;

/** A denied call (AccessDenied*, UnauthorizedOperation, Client.UnauthorizedOperation …). */
function isDeniedError(errorCode: string | undefined): boolean {
  return errorCode !== undefined && DENIED_ERROR.test(errorCode);
}

function classifyError(errorCode: string | undefined): ErrorClass {
  if (errorCode === undefined || errorCode === '') return 'none';
  return isDeniedError(errorCode) ? 'denied' : 'other';
}

const READ_ONLY_NAME = /^(?:Get|List|Describe|Head|Lookup|Search|BatchGet|Check|Select|Scan|Query)[A-Z]/;

/** CloudTrail's `readOnly` when present, else guessed from the API verb (fixtures often omit the field). */
function isReadOnlyCall(readOnly: boolean | undefined, eventName: string): boolean {
  return readOnly ?? READ_ONLY_NAME.test(eventName);
}

export type { ErrorClass, IdentityClass, SourceIpClass, UserAgentFamily };
export {
  classifyError,
  classifyIdentity,
  classifySourceIp,
  classifyUserAgent,
  isDeniedError,
  isOffensiveUserAgent,
  isReadOnlyCall,
  unwrapUserAgent,
};
