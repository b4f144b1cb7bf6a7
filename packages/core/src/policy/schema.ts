import * as z from 'zod/mini';
import '../zod-english.js';
import { catalog } from '../detections/catalog.js';
import { ROLE_ARN_PATTERN } from '../detections/guards.js';
import type { DetectionRegistry } from '../detections/registry.js';
import { getPlaybook } from '../playbooks/index.js';

/**
 * The decision policy: what a deployment (or `aisaws scan --policy FILE`) configures. Strict (an unknown field is
 * an error, so a typo never silently falls back to a default) and fully defaulted (`{}` is a valid policy).
 */

const ThresholdsSchema = z
  .strictObject({
    /** Scores at or above are MEDIUM (acted on). */
    medium: z._default(z.number().check(z.gte(0), z.lte(1)), 0.4),
    /** Scores at or above are HIGH. */
    high: z._default(z.number().check(z.gte(0), z.lte(1)), 0.7),
  })
  .check(
    z.superRefine((t, ctx) => {
      if (!(t.medium < t.high))
        ctx.addIssue({ code: 'custom', path: ['high'], message: 'must be greater than thresholds.medium' });
    }),
  );

const DetectionModeSchema = z.enum(['auto', 'approve', 'alert', 'log']);

const DetectionOverrideSchema = z.strictObject({
  /**
   * auto: fix without asking; approve: ask a human first; alert: never fix, tell a person (at MEDIUM/HIGH);
   * log: never fix, only record (nobody is told).
   */
  mode: DetectionModeSchema,
});

/** When an exemption stops applying: an ISO date (its first day without the exemption, 00:00 UTC) or date-time. */
const ExpirySchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'must be an ISO date (2027-01-31) or date-time: the first moment the exemption no longer applies',
});

/**
 * One exemption of a list: what it matches, why it exists and until when. Without a reason and an expiry an
 * exemption is refused (it would outlive the reason nobody wrote down).
 */
function exemptionEntry<T extends z.ZodMiniType<string>>(match: T) {
  return z.strictObject(
    {
      match,
      /** Why the exemption exists (a ticket, an owner, a use): shown in the decision and the alert. */
      reason: z.string().check(z.trim(), z.minLength(1, 'must say why the exemption exists')),
      expires: ExpirySchema,
    },
    { error: 'must be { "match", "reason", "expires" }: every exemption carries a reason and an expiry' },
  );
}

const GlobEntrySchema = exemptionEntry(z.string().check(z.minLength(1)));
const AccountEntrySchema = exemptionEntry(
  z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id')),
);

const ExemptionsSchema = z.strictObject({
  /**
   * The exemption tag on the resource (the caller passes the resource's tags in the context): its value is the expiry
   * (an ISO date), `reasonKey` holds the reason. Whoever may tag a resource may set it, so it exempts nothing unless
   * `trusted` says that only an allowed principal can set these keys (the organisation guardrail SCP that infra
   * ships denies everyone else tagging with them).
   */
  tag: z.prefault(
    z.strictObject({
      key: z._default(z.string().check(z.minLength(1)), 'aisaws:exempt'),
      reasonKey: z._default(z.string().check(z.minLength(1)), 'aisaws:exempt-reason'),
      trusted: z._default(z.boolean(), false),
    }),
    {},
  ),
  /** Bucket names (globs). */
  buckets: z._default(z.array(GlobEntrySchema), []),
  /**
   * Principal ARNs (globs, `*` and `?`), matched against the caller's ARN and its role's ARN; only for resources in
   * the principal's own account.
   */
  principals: z._default(z.array(GlobEntrySchema), []),
  /** Account ids: resources owned by these accounts (never: anything an actor of the account does elsewhere). */
  accounts: z._default(z.array(AccountEntrySchema), []),
  /** Resource ids or ARNs (globs). */
  resources: z._default(z.array(GlobEntrySchema), []),
});

const SelfIdentitySchema = z.strictObject({
  /**
   * The exact ARNs of the roles AISAWS deployed (the security account's function roles, each member account's
   * remediation, rollback, verification, tag-reader and event-reader roles): sessions of these roles are AISAWS's own calls and
   * are never detected (trap T7). No wildcard: a role merely named `aisaws-…` is someone else. Infra computes the list for the
   * Lambdas; `aisaws scan --policy` reads it from here (empty: no call is treated as AISAWS's own).
   */
  roleArns: z._default(
    z.array(
      z
        .string()
        .check(
          z.regex(
            ROLE_ARN_PATTERN,
            'must be an exact IAM role ARN (arn:aws:iam::<account>:role/<name>), no wildcard',
          ),
        ),
    ),
    [],
  ),
});

const PerResourceRateLimitSchema = z.strictObject({
  /**
   * Loop breaker: the same resource fixed automatically this many times in the window means something keeps undoing
   * the fix (a pipeline, a person, another tool): the next AUTO decision on it becomes ALERT and AISAWS stops.
   */
  maxAutoRemediations: z._default(z.number().check(z.int(), z.nonnegative()), 3),
  windowMinutes: z._default(z.number().check(z.int(), z.positive()), 60),
});

const RateLimitSchema = z.strictObject({
  /**
   * Global circuit breaker, the last resort: beyond this many automatic fixes in the window across all resources,
   * AUTO becomes HUMAN_APPROVAL. Higher than the per-resource limit: a burst of ordinary fixes must not stop AISAWS.
   */
  maxAutoRemediations: z._default(z.number().check(z.int(), z.nonnegative()), 50),
  windowMinutes: z._default(z.number().check(z.int(), z.positive()), 60),
  perResource: z.prefault(PerResourceRateLimitSchema, {}),
});

const CentralizedRootAccessSchema = z.strictObject({
  /**
   * The accounts are members of an AWS Organization with centralized root access enabled, and AISAWS runs in its
   * management or delegated-administrator account, so it can open a root session (sts:AssumeRoot) in a member.
   */
  enabled: z._default(z.boolean(), false),
  /** The management account: AssumeRoot cannot reach its own root, so its root activity stays ALERT. */
  managementAccount: z.optional(z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id'))),
});

const DeduplicationSchema = z.strictObject({
  /**
   * One fix per resource + playbook in this window: a GuardDuty or Security Hub finding and the CloudTrail call
   * behind the same change (or two findings about it) lead to one remediation; the later ones are logged only.
   */
  windowMinutes: z._default(z.number().check(z.int(), z.positive(), z.lte(7 * 24 * 60)), 60),
});

const PolicyShape = z.strictObject({
  thresholds: z.prefault(ThresholdsSchema, {}),
  /** A safe, reversible playbook is applied automatically at HIGH risk too (DESIGN §1). */
  autoAtHighForSafePlaybooks: z._default(z.boolean(), true),
  detections: z._default(z.record(z.string(), DetectionOverrideSchema), {}),
  exemptions: z.prefault(ExemptionsSchema, {}),
  selfIdentity: z.prefault(SelfIdentitySchema, {}),
  /** Decide as usual but mark every decision dry-run: playbooks report what they would change. */
  dryRun: z._default(z.boolean(), false),
  rateLimit: z.prefault(RateLimitSchema, {}),
  /** Fixes that need a root session (deleting a root access key); off by default: those detections are ALERT. */
  centralizedRootAccess: z.prefault(CentralizedRootAccessSchema, {}),
  deduplication: z.prefault(DeduplicationSchema, {}),
  approvalTimeoutMinutes: z._default(z.number().check(z.int(), z.positive(), z.lte(7 * 24 * 60)), 60),
});

/**
 * The policy schema checked against a detection registry: override ids must exist, and `auto` is refused for a
 * detection whose playbook is missing or disruptive. `PolicySchema` is this over the built-in catalog.
 */
function createPolicySchema(registry: DetectionRegistry) {
  return PolicyShape.check(
    z.superRefine((policy, ctx) => {
      for (const [id, override] of Object.entries(policy.detections)) {
        const detection = registry.get(id);
        if (!detection) {
          ctx.addIssue({ code: 'custom', path: ['detections', id], message: `unknown detection id ${id}` });
          continue;
        }
        if (override.mode !== 'auto') continue;
        if (detection.playbook === null) {
          ctx.addIssue({
            code: 'custom',
            path: ['detections', id, 'mode'],
            message: `cannot be auto: detection ${id} has no playbook (alert only)`,
          });
          continue;
        }
        const playbook = getPlaybook(detection.playbook);
        if (playbook?.safety !== 'safe')
          ctx.addIssue({
            code: 'custom',
            path: ['detections', id, 'mode'],
            message: `cannot be auto: playbook ${detection.playbook} is ${playbook ? 'disruptive' : 'unknown'} and always needs approval`,
          });
      }
    }),
  );
}

const PolicySchema = createPolicySchema(catalog);

type Policy = z.infer<typeof PolicySchema>;
type PolicyInput = z.input<typeof PolicySchema>;
type DetectionMode = z.infer<typeof DetectionModeSchema>;

interface PolicyIssue {
  /** Dotted path of the field, e.g. `thresholds.high`. */
  readonly path: string;
  readonly message: string;
}

/** A policy that does not parse; the message has one line per bad field: `<source>: <path>: <problem>`. */
class PolicyError extends Error {
  readonly source: string;
  readonly issues: readonly PolicyIssue[];

  constructor(source: string, issues: readonly PolicyIssue[]) {
    super(issues.map((issue) => `${source}: ${issue.path || '(root)'}: ${issue.message}`).join('\n'));
    this.name = 'PolicyError';
    this.source = source;
    this.issues = issues;
  }
}

function issuesOf(error: z.core.$ZodError): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        issues.push({ path: path ? `${path}.${key}` : key, message: 'unknown field' });
    } else {
      issues.push({ path, message: issue.message });
    }
  }
  return issues;
}

interface ParsePolicyOptions {
  /** The registry override ids are checked against; defaults to the built-in catalog. */
  readonly registry?: DetectionRegistry;
}

/** Parses and validates a policy (e.g. the JSON of a policy file); throws PolicyError naming each bad field. */
function parsePolicy(input: unknown, source = 'policy', options: ParsePolicyOptions = {}): Policy {
  const schema = options.registry ? createPolicySchema(options.registry) : PolicySchema;
  const result = schema.safeParse(input);
  if (!result.success) throw new PolicyError(source, issuesOf(result.error));
  return result.data;
}

const selfRoleArnSets = new WeakMap<Policy, ReadonlySet<string>>();

/** The policy's self-identity as the set detection takes (`DetectOptions.selfRoleArns`), built once per policy. */
function selfRoleArnsOf(policy: Policy): ReadonlySet<string> {
  let set = selfRoleArnSets.get(policy);
  if (!set) {
    set = new Set(policy.selfIdentity.roleArns);
    selfRoleArnSets.set(policy, set);
  }
  return set;
}

/**
 * The seed policy: thresholds 0.4 / 0.7, safe fixes automatic at HIGH, no overrides, no exemptions (the exemption tag
 * is untrusted until the guardrail SCP guards it), no self-identity.
 */
const DEFAULT_POLICY: Policy = Object.freeze(parsePolicy({}, 'DEFAULT_POLICY'));

export type { DetectionMode, ParsePolicyOptions, Policy, PolicyInput, PolicyIssue };
export { DEFAULT_POLICY, DetectionModeSchema, PolicyError, PolicySchema, parsePolicy, selfRoleArnsOf };
