import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { type Policy, parsePolicy } from '@aisaws/core/policy';
import { LAMBDA_STAGES, type LambdaStage } from '@aisaws/core/schemas';
import * as z from 'zod';

/**
 * One deployment environment (`infra/environments/<name>.json`): where it runs, which accounts it watches, who gets
 * the alerts, which decision policy applies, which artifact version of each Lambda is deployed, and where Terraform
 * keeps its state. Strict: an unknown field is an error, so a typo never falls back to a default silently.
 */

/** Every Lambda of an environment (`lambdas.<stage>`): the one list of @aisaws/core. */
const STAGES = LAMBDA_STAGES;
type Stage = LambdaStage;

const AccountIdSchema = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const SemverSchema = z
  .string()
  .regex(
    /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/,
    'must be a semantic version such as 1.4.0 (the artifact file name)',
  );
const PackageNameSchema = z
  .string()
  .regex(/^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/, 'must be an npm package name');
const RepoRelativePathSchema = z
  .string()
  .min(1)
  .refine((path) => !isAbsolute(path) && !path.split(/[\\/]/).includes('..'), {
    message:
      'must be a path relative to the repository root, without ".." (output must not depend on the machine)',
  });

const LambdaArtifactSchema = z.strictObject({
  /** The artifact `dist/<package-without-scope>-<version>.zip`; prod may pin an older version than dev. */
  version: SemverSchema,
  /**
   * The package that builds this Lambda. Defaults to `@aisaws/lambda-<stage>`; only scoring may name another one
   * (a custom scorer such as `@aisaws/scoring-example`).
   */
  package: PackageNameSchema.optional(),
  /** Folder holding the package's `dist/` when it lives outside `packages/` (repository-relative). */
  packageDir: RepoRelativePathSchema.optional(),
  memoryMb: z.number().int().min(128).max(10_240).optional(),
  timeoutSeconds: z.number().int().min(1).max(900).optional(),
});

const LambdasSchema = z
  .strictObject(
    Object.fromEntries(STAGES.map((stage) => [stage, LambdaArtifactSchema])) as Record<
      Stage,
      typeof LambdaArtifactSchema
    >,
  )
  .superRefine((lambdas, ctx) => {
    for (const stage of STAGES) {
      const chosen = lambdas[stage].package;
      if (stage !== 'scoring' && chosen !== undefined && chosen !== `@aisaws/lambda-${stage}`)
        ctx.addIssue({
          code: 'custom',
          path: [stage, 'package'],
          message: `only the scoring Lambda can come from another package (got ${chosen})`,
        });
    }
  });

/**
 * The backtest (optional): a Distributed Map over the organisation's CloudTrail bucket, scanning past logs with the
 * backtest Lambda (detect, score, decide; never remediate) and writing findings to the archive bucket.
 */
const BacktestSchema = z.strictObject({
  /** The bucket the organisation trail delivers to (its policy must let the backtest roles read, see README). */
  cloudTrailBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  /** Key prefix the backtest may list and read; an execution's `prefix` must lie under it. */
  cloudTrailPrefix: z
    .string()
    .regex(
      /^(?:[\w!.'()-]+\/)*$/,
      'must be empty or key folders ending in "/", e.g. AWSLogs/ or AWSLogs/o-abc/',
    )
    .default('AWSLogs/'),
  /** The trail's KMS key, when its log files are SSE-KMS encrypted (the Lambda then needs kms:Decrypt on it). */
  cloudTrailKmsKeyArn: z
    .string()
    .regex(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/, 'must be a KMS key ARN')
    .optional(),
  /** The backtest Lambda's artifact (`@aisaws/lambda-backtest`). */
  lambda: LambdaArtifactSchema.omit({ package: true, packageDir: true }),
  /** Log objects per batch (one Lambda invocation); CloudTrail files are a few MiB each. */
  objectsPerBatch: z.number().int().min(1).max(1000).default(20),
  /** Child executions (batches) at once: bounds the Lambda concurrency and the S3 request rate. */
  maxConcurrency: z.number().int().min(1).max(10_000).default(100),
  /** Percentage of batches that may fail (after retries) before the run fails. */
  toleratedFailurePercentage: z.number().min(0).max(100).default(5),
});

/**
 * The organisation guardrail (optional): a service control policy that keeps AISAWS's identity and the exemption tag
 * in the hands of those who should hold them. Created in the organisation's management account (or a delegated
 * policy administrator) and attached to the given roots, OUs or accounts.
 */
const GuardrailsSchema = z.strictObject({
  /** The account that manages the organisation's policies (the stack's provider runs there). */
  managementAccount: AccountIdSchema,
  /** Role the deploy pipeline assumes in that account (optional). */
  deployRoleName: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
    .optional(),
  /** Roots (`r-…`), OUs (`ou-…`) or accounts the SCP is attached to. */
  targetIds: z
    .array(
      z
        .string()
        .regex(
          /^(?:r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/,
          'must be a root (r-…), OU (ou-…-…) or account id',
        ),
    )
    .min(1, 'needs at least one root, OU or account'),
  /**
   * The deploy role(s): the only principals that may create, change, delete or tag `aisaws-*` roles (ARN globs,
   * e.g. `arn:aws:iam::*:role/aisaws-deployer`).
   */
  deployRoleArns: z
    .array(
      z
        .string()
        .regex(/^arn:aws[\w-]*:iam::(?:\d{12}|\*):role\/[\w+=,.@/*-]+$/, 'must be an IAM role ARN (glob)'),
    )
    .min(1),
  /** The principal(s) that may set or remove the exemption tag keys (ARN globs). */
  exemptionTaggerArns: z
    .array(
      z
        .string()
        .regex(/^arn:aws[\w-]*:iam::(?:\d{12}|\*):role\/[\w+=,.@/*-]+$/, 'must be an IAM role ARN (glob)'),
    )
    .min(1),
});

const BackendSchema = z.strictObject({
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  /** State object key of the security stack, e.g. `aisaws/dev/security.tfstate`; member stacks sit beside it. */
  key: z.string().regex(/^[\w./-]+\.tfstate$/, 'must be an object key ending in .tfstate'),
  region: z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1'),
  /** DynamoDB table holding the state lock (partition key `LockID`). */
  lockTable: z.string().regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name'),
});

const EnvironmentSchema = z.strictObject({
  /** Lower-case name; resources are named `aisaws-<name>-…`. Must match the file name. */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,15}$/, 'must be lower-case letters, digits and dashes (2-16 chars)'),
  region: z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1'),
  accounts: z.strictObject({
    /** The account that runs AISAWS (Lambdas, workflows, storage). */
    security: AccountIdSchema,
    /** Accounts whose CloudTrail events are forwarded and which get the member remediation role. */
    members: z.array(AccountIdSchema).default([]),
    /** When set, the member roles also require `aws:PrincipalOrgID` and the event bus accepts the organisation. */
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, 'must be an AWS Organizations id such as o-a1b2c3d4e5')
      .optional(),
    /** Role the deploy pipeline assumes in each member account to apply its member stack (optional). */
    memberDeployRoleName: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
      .optional(),
  }),
  alertEmails: z.array(z.email('must be an e-mail address')).min(1, 'needs at least one address'),
  /** Decision policy file, relative to this environment file; validated with core's parsePolicy. */
  policyFile: z.string().min(1),
  lambdas: LambdasSchema,
  backtest: BacktestSchema.optional(),
  guardrails: GuardrailsSchema.optional(),
  backend: BackendSchema,
  /** Confused-deputy guard on the cross-account role (not a secret; unique per environment). */
  externalId: z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 characters of [A-Za-z0-9+=,.@:/_-]'),
  logRetentionDays: z
    .number()
    .int()
    .refine((days) => LOG_RETENTION_DAYS.includes(days), {
      message:
        'must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 180, 365, 400, 731, …)',
    })
    .default(90),
  archive: z
    .strictObject({
      /** Raw events move to Glacier Instant Retrieval after this many days. */
      transitionDays: z.number().int().min(30).default(90),
      /** …and expire after this many days. */
      expirationDays: z.number().int().min(1).default(400),
    })
    .superRefine((a, ctx) => {
      if (a.expirationDays <= a.transitionDays)
        ctx.addIssue({
          code: 'custom',
          path: ['expirationDays'],
          message: 'must be greater than archive.transitionDays',
        });
    })
    .prefault({}),
  /** Reserved concurrency of the remediation Lambda: caps the blast radius of a flood of fixes. */
  remediationConcurrency: z.number().int().min(1).max(100).default(5),
  /** Reserved concurrency of the public approval URL: caps what an anonymous caller can spend. */
  approvalConcurrency: z.number().int().min(1).max(100).default(5),
  /**
   * Generation of the approval-link signing key. Terraform writes a new random key (write-only: never in the plan or
   * the state) whenever this number changes: raise it to rotate the key. Links signed before then stop working.
   */
  approvalSigningKeyVersion: z.number().int().min(1).default(1),
  /**
   * How long a verified fix can be rolled back: the rollback workflow's offer (a signed link e-mailed after VERIFIED)
   * stands this many hours, then closes with nothing changed. At most 21 days (the rollback execution lives 22).
   */
  rollbackWindowHours: z.number().int().min(1).max(504).default(168),
  /** Tables refuse deletion (DynamoDB deletion protection); turn off only for throw-away environments. */
  deletionProtection: z.boolean().default(true),
});

const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

type EnvironmentInput = z.input<typeof EnvironmentSchema>;
type EnvironmentFile = z.infer<typeof EnvironmentSchema>;
type Guardrails = z.infer<typeof GuardrailsSchema>;

/** A validated environment plus its parsed policy. */
interface Environment extends EnvironmentFile {
  readonly policy: Policy;
}

/** An environment file that does not validate; one line per bad field: `<file>: <path>: <problem>`. */
class EnvironmentConfigError extends Error {
  readonly file: string;

  constructor(file: string, problems: readonly string[]) {
    super(problems.map((problem) => `${file}: ${problem}`).join('\n'));
    this.name = 'EnvironmentConfigError';
    this.file = file;
  }
}

const describeIssues = (error: z.ZodError): string[] =>
  error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => `${path ? `${path}.` : ''}${key}: unknown field`);
    return [`${path || '(root)'}: ${issue.message}`];
  });

/**
 * Validates one environment. `file` names the source in errors and anchors `policyFile`; `readPolicy` is injected
 * so tests can pass a policy without touching the disk.
 */
function parseEnvironment(
  input: unknown,
  file: string,
  readPolicy: (path: string) => unknown = readJson,
): Environment {
  const result = EnvironmentSchema.safeParse(input);
  if (!result.success) throw new EnvironmentConfigError(file, describeIssues(result.error));
  const environment = result.data;
  const expectedName = basename(file).replace(/\.json$/, '');
  if (file.endsWith('.json') && environment.name !== expectedName)
    throw new EnvironmentConfigError(file, [
      `name: must match the file name (${expectedName}), got ${environment.name}`,
    ]);
  const policyPath = resolve(dirname(file), environment.policyFile);
  let policyJson: unknown;
  try {
    policyJson = readPolicy(policyPath);
  } catch (error) {
    throw new EnvironmentConfigError(file, [
      `policyFile: cannot read ${environment.policyFile}: ${(error as Error).message}`,
    ]);
  }
  let policy: Policy;
  try {
    policy = parsePolicy(policyJson, environment.policyFile);
  } catch (error) {
    throw new EnvironmentConfigError(file, [`policyFile: ${(error as Error).message}`]);
  }
  // A trusted exemption tag is only as good as what stops others from setting it.
  if (policy.exemptions.tag.trusted && !environment.guardrails)
    throw new EnvironmentConfigError(file, [
      `policyFile: exemptions.tag.trusted is true, but the environment has no guardrails: without the SCP that restricts who sets ${policy.exemptions.tag.key}, whoever may tag a resource could exempt it`,
    ]);
  return { ...environment, policy };
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Every `*.json` file directly in dir (sorted by name), validated. */
function loadEnvironments(dir: string): Environment[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new EnvironmentConfigError(dir, ['no environment file (*.json) found']);
  return files.map((name) => {
    const file = join(dir, name);
    let json: unknown;
    try {
      json = readJson(file);
    } catch (error) {
      throw new EnvironmentConfigError(file, [`(root): not valid JSON: ${(error as Error).message}`]);
    }
    return parseEnvironment(json, file);
  });
}

export type { Environment, EnvironmentInput, Guardrails, Stage };
export { EnvironmentConfigError, EnvironmentSchema, loadEnvironments, parseEnvironment, STAGES };
