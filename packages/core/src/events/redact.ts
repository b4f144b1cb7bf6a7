/**
 * Credential redaction, before anything is logged or archived. Some CloudTrail records carry live secrets in their
 * request or response: STS hands out temporary credentials (`AssumeRole`, `AssumeRoleWithSAML`,
 * `AssumeRoleWithWebIdentity`, `GetSessionToken`, `GetFederationToken` → `responseElements.credentials.sessionToken`
 * / `secretAccessKey`), IAM Identity Center (`GetRoleCredentials` → `roleCredentials`) and Cognito
 * (`GetCredentialsForIdentity` → `credentials.secretKey`) too; `CreateAccessKey` may carry `secretAccessKey`;
 * `AssumeRoleWithSAML` / `…WebIdentity` carry the bearer assertion or token they were called with; SSO OIDC
 * `CreateToken` (`clientSecret`, `accessToken`, `idToken`, `refreshToken`), SSM `StartSession` (`tokenValue`), RDS
 * (`masterUserPassword`), IAM login profiles (`password`), EC2 `GetPasswordData` (`passwordData`) and ECR
 * (`authorizationToken`). CloudTrail hides some of these itself (`HIDDEN_DUE_TO_SECURITY_REASONS`, `****`), not all:
 * the AssumeRole and GetFederationToken records of the public datasets hold real session tokens.
 *
 * The rule is by field name, anywhere in the value, because the same secrets appear under several paths: a field
 * whose name is one of CREDENTIAL_FIELDS (case-insensitive) and whose value is not empty is replaced by REDACTED.
 * Identifiers stay (`accessKeyId`, `expiration`, `assumedRoleUser`, `roleArn`): an investigation needs them and they
 * grant nothing. Everything else is copied as it is; the input is never modified.
 */

/** What a redacted value reads as. */
const REDACTED = '[REDACTED by AISAWS]';

/** Field names (lower case) whose values are secrets. */
const CREDENTIAL_FIELDS: ReadonlySet<string> = new Set([
  // STS, IAM Identity Center, Cognito, IAM access keys
  'sessiontoken',
  'secretaccesskey',
  'secretkey',
  'samlassertion',
  'webidentitytoken',
  // OIDC / SSO tokens
  'accesstoken',
  'idtoken',
  'refreshtoken',
  'clientsecret',
  'authorizationtoken',
  // passwords
  'password',
  'newpassword',
  'oldpassword',
  'masteruserpassword',
  'passworddata',
  'servicepassword',
  // SSM sessions, key material, secrets
  'tokenvalue',
  'privatekey',
  'keymaterial',
  'secretstring',
  'secretbinary',
  'x-amz-security-token',
]);

const isCredentialField = (name: string): boolean => CREDENTIAL_FIELDS.has(name.toLowerCase());

/** A value worth hiding: anything but null, undefined, an empty string, a boolean and REDACTED itself. */
const hasSecret = (value: unknown): boolean =>
  value !== null && value !== undefined && value !== '' && typeof value !== 'boolean' && value !== REDACTED;

/**
 * A copy of `value` (a CloudTrail record, an EventBridge event, any JSON) with every credential field replaced by
 * REDACTED. Depth is bounded (64 levels) so a hostile, deeply nested input cannot exhaust the stack: below that,
 * objects are replaced by REDACTED too.
 */
function redactCredentials<T>(value: T): T {
  return redact(value, 0) as T;
}

const MAX_DEPTH = 64;

function redact(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    out[key] = isCredentialField(key) && hasSecret(entry) ? REDACTED : redact(entry, depth + 1);
  }
  return out;
}

/**
 * The same rule as a `JSON.stringify` replacer, for loggers (Powertools Logger `jsonReplacerFn`): whatever object a
 * log line carries, a credential field is written as REDACTED.
 */
function credentialReplacer(key: string, value: unknown): unknown {
  return key !== '' && isCredentialField(key) && hasSecret(value) ? REDACTED : value;
}

/** The credential fields present in a value, as dotted paths (what a test or an audit names). */
function credentialPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const out: string[] = [];
  for (const [key, entry] of Object.entries(value)) {
    const path = Array.isArray(value) ? `${prefix}[${key}]` : prefix ? `${prefix}.${key}` : key;
    if (isCredentialField(key) && hasSecret(entry)) out.push(path);
    else out.push(...credentialPaths(entry, path));
  }
  return out;
}

export { CREDENTIAL_FIELDS, credentialPaths, credentialReplacer, REDACTED, redactCredentials };
