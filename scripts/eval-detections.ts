/**
 * Evaluates the detection catalog on the third-party datasets, read in place (never copied into the project).
 *
 *   pnpm exec tsx scripts/eval-detections.ts [datasetsDir]
 *
 * datasetsDir defaults to ../shared/datasets relative to the repository root (or $AISAWS_DATASETS). When it is
 * absent the script says so and exits 0. It prints, headline first:
 *   - ALL Panther AWS CloudTrail rules, measured end to end with `aisaws scan --format json` (the CLI run as a child
 *     process on the rule-tests file, scoring and decision included). Definitions:
 *       recall = rule-positive tests that need no Panther mocks whose scan line lists at least one detection (any
 *                detection, of any severity, informational ones included), divided by all such tests; a test the
 *                scan rejects as invalid input (no eventID, mistyped fields) counts as a miss;
 *       actioned = rule-negative tests whose decision is AUTO_REMEDIATE or HUMAN_APPROVAL (a change would be made),
 *                divided by all rule-negative tests;
 *     plus the stricter recall that counts only non-informational detections, per-rule recall, and the misses;
 *   - Invictus non-attack records through the same `aisaws scan`: actioned and alerted;
 * then subsets, labelled as subsets:
 *   - Stratus Red Team: techniques with at least one hit, out of 35 (and the misses);
 *   - Panther rule tests, detection only (in process, malformed tests repaired in memory): recall on the positives
 *     whose event some catalog trigger covers, rules with a catalog equivalent, negatives with any/actionable hit;
 *   - Invictus: detonated techniques recalled, detonation-record recall, and the share of non-attack records
 *     (unlabeled / Terraform / SSM agent) that get an actionable hit;
 *   - OTRF, the Panther root-credentials scenario and the AWS docs examples;
 *   - a Sigma checklist: the eventSource/eventName each rule selects and whether a catalog trigger covers it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { catalog, isAwsServiceActivity, isInformational } from '../packages/core/src/detections/index.js';
import type { CloudTrailRecord } from '../packages/core/src/schemas/cloudtrail.js';
import { CloudTrailRecordSchema } from '../packages/core/src/schemas/index.js';
import type { DetectionHit } from '../packages/core/src/schemas/stages.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const datasetsDir = resolve(
  process.argv[2] ?? process.env.AISAWS_DATASETS ?? join(repoRoot, '..', 'shared', 'datasets'),
);
const cloudtrailDir = join(datasetsDir, 'cloudtrail');

type Json = Record<string, unknown>;

interface Scored {
  readonly record: CloudTrailRecord | null;
  readonly hits: DetectionHit[];
}

let scanned = 0;
let parseErrors = 0;
let scanMs = 0;

/** Parses and detects one raw record; an invalid record counts as a parse error and gets no hit. */
function score(raw: unknown): Scored {
  const parsed = CloudTrailRecordSchema.safeParse(raw);
  if (!parsed.success) {
    parseErrors += 1;
    return { record: null, hits: [] };
  }
  const started = performance.now();
  const hits = catalog.detect(parsed.data);
  scanMs += performance.now() - started;
  scanned += 1;
  return { record: parsed.data, hits };
}

/**
 * Panther's hand-made tests are not always valid CloudTrail (no eventID, booleans where CloudTrail writes strings).
 * The pipeline would quarantine them; for rule-level recall they are repaired in memory: a missing eventID gets a
 * synthetic one and mistyped optional fields are dropped. Nothing else changes. Returns null when no repair was needed.
 */
function repaired(raw: Json, line: number): Json | null {
  if (CloudTrailRecordSchema.safeParse(raw).success) return null;
  const copy: Json = { ...raw };
  if (typeof copy.eventID !== 'string') copy.eventID = `panther-test-${line}`;
  if (typeof copy.sessionCredentialFromConsole !== 'string') delete copy.sessionCredentialFromConsole;
  if (typeof copy.readOnly !== 'boolean') delete copy.readOnly;
  if (!Array.isArray(copy.resources)) delete copy.resources;
  const identity = copy.userIdentity;
  if (typeof identity === 'object' && identity !== null && (identity as Json).invokedBy === null) {
    copy.userIdentity = { ...(identity as Json) };
    delete (copy.userIdentity as Json).invokedBy;
  }
  return copy;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
const readJsonLines = (path: string): Json[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as Json);

const pct = (n: number, d: number): string => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(1)} %`);
const ratio = (n: number, d: number): string => `${n}/${d} (${pct(n, d)})`;

/** Prints rows as an aligned text table. */
function table(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells.slice(1)) console.log(line(row));
}

const section = (title: string): void => console.log(`\n=== ${title} ===`);
const ids = (hits: readonly DetectionHit[]): string => [...new Set(hits.map((h) => h.id))].join(', ');

/** Whether some trigger of the catalog covers this eventSource/eventName (or the principal type). */
function covered(eventSource: string, eventName: string): boolean {
  return catalog.candidatesFor(eventSource, eventName).length > 0;
}

/** The fields of one `aisaws scan --format json` line that the evaluation reads (the contract has more). */
interface ScanLine {
  readonly error?: string;
  readonly detections: readonly { readonly id: string; readonly severity: number }[];
  readonly action: string | undefined;
  readonly level: string | undefined;
  readonly file: string | undefined;
  readonly index: number | undefined;
}

/** Reads one output line defensively: an unexpected shape reads as an error line, never as a detection. */
function scanLineOf(text: string): ScanLine {
  const value = JSON.parse(text) as Json;
  if (typeof value.error === 'string')
    return {
      error: value.error,
      detections: [],
      action: undefined,
      level: undefined,
      file: undefined,
      index: undefined,
    };
  const detections = Array.isArray(value.detections)
    ? value.detections.flatMap((d) =>
        typeof d === 'object' &&
        d !== null &&
        typeof (d as Json).id === 'string' &&
        typeof (d as Json).severity === 'number'
          ? [{ id: (d as Json).id as string, severity: (d as Json).severity as number }]
          : [],
      )
    : [];
  const decision = (value.decision ?? {}) as Json;
  const risk = (value.risk ?? {}) as Json;
  const source = (value.source ?? {}) as Json;
  return {
    detections,
    action: typeof decision.action === 'string' ? decision.action : undefined,
    level: typeof risk.level === 'string' ? risk.level : undefined,
    file: typeof source.file === 'string' ? source.file : undefined,
    index: typeof source.index === 'number' ? source.index : undefined,
  };
}

/** Runs `aisaws scan --format json` on the files, as a user would (tsx on the CLI's entry point), and parses it. */
function aisawsScan(files: readonly string[]): ScanLine[] {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'packages', 'cli', 'src', 'bin.ts'),
      'scan',
      '--format',
      'json',
      ...files,
    ],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 },
  );
  if (run.status !== 0) throw new Error(`aisaws scan exited with ${run.status}: ${run.stderr}`);
  return run.stdout
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map(scanLineOf);
}

const ACTIONED = new Set(['AUTO_REMEDIATE', 'HUMAN_APPROVAL']);

/**
 * The headline: every Panther AWS CloudTrail rule (not only those with a catalog equivalent), measured with
 * `aisaws scan --format json` on the rule-tests file. See the file comment for the definitions.
 */
function evalPantherAllRules(): void {
  const dir = join(cloudtrailDir, 'panther-analysis-fixtures');
  const recordsPath = join(dir, 'panther-rule-tests.cloudtrail.jsonl');
  if (!existsSync(recordsPath)) return;
  section('HEADLINE — all Panther AWS CloudTrail rules, measured with `aisaws scan --format json`');
  const labels = readJsonLines(join(dir, 'panther-rule-tests.labels.jsonl'));
  const lines = aisawsScan([recordsPath]);
  if (lines.length !== labels.length)
    throw new Error(`aisaws scan wrote ${lines.length} lines for ${labels.length} tests: cannot align them`);
  const c = {
    positives: 0,
    detected: 0,
    detectedSignal: 0,
    rejected: 0,
    withMocks: 0,
    withMocksDetected: 0,
    negatives: 0,
    negativesActioned: 0,
    negativesAlert: 0,
    negativesAny: 0,
    negativesSignal: 0,
    negativesTold: 0,
  };
  const rules = new Map<string, { positives: number; detected: number }>();
  const misses = new Map<string, string[]>();
  const actioned: string[] = [];
  const informationalOnly = { events: 0, logOnly: 0 };
  labels.forEach((label, i) => {
    const line = lines[i] as ScanLine;
    const hit = line.detections.length > 0;
    if (hit && line.detections.every((d) => isInformational(d))) {
      informationalOnly.events += 1;
      if (line.action === 'LOG_ONLY') informationalOnly.logOnly += 1;
    }
    const signal = line.detections.some((d) => !isInformational(d));
    const rule = String(label.rule_id);
    if (label.expected_result === true) {
      if (label.needs_mocks === true) {
        c.withMocks += 1;
        if (hit) c.withMocksDetected += 1;
        return;
      }
      c.positives += 1;
      const entry = rules.get(rule) ?? { positives: 0, detected: 0 };
      entry.positives += 1;
      if (hit) {
        c.detected += 1;
        entry.detected += 1;
      } else {
        const why = line.error ? `rejected as input: ${line.error}` : 'no detection';
        misses.set(rule, [...(misses.get(rule) ?? []), `${label.test_name} (${why})`]);
      }
      if (signal) c.detectedSignal += 1;
      if (line.error) c.rejected += 1;
      rules.set(rule, entry);
    } else {
      c.negatives += 1;
      if (hit) c.negativesAny += 1;
      if (signal) c.negativesSignal += 1;
      if (line.action === 'ALERT') c.negativesAlert += 1;
      if (signal && line.level !== undefined && line.level !== 'LOW' && !ACTIONED.has(line.action ?? ''))
        c.negativesTold += 1;
      if (line.action !== undefined && ACTIONED.has(line.action)) {
        c.negativesActioned += 1;
        actioned.push(
          `${rule} — ${label.test_name}: ${line.action} (${line.detections.map((d) => d.id).join(', ')})`,
        );
      }
    }
  });
  const rulesDetected = [...rules.values()].filter((r) => r.detected > 0).length;
  table(
    ['measure', 'value'],
    [
      ['RECALL: rule-positive tests (no Panther mocks) with any detection', ratio(c.detected, c.positives)],
      ['  … of which the scan rejected as invalid input (counted as misses)', ratio(c.rejected, c.positives)],
      ['  … counting only non-informational detections', ratio(c.detectedSignal, c.positives)],
      [`rules with at least one of their positives detected`, ratio(rulesDetected, rules.size)],
      [
        'ACTIONED: rule-negative tests decided AUTO_REMEDIATE or HUMAN_APPROVAL',
        ratio(c.negativesActioned, c.negatives),
      ],
      ['rule-negative tests decided ALERT', ratio(c.negativesAlert, c.negatives)],
      [
        'rule-negative tests not actioned, with a non-informational detection at MEDIUM/HIGH (a person is told)',
        ratio(c.negativesTold, c.negatives),
      ],
      [
        'rule-negative tests with any detection / a non-informational one',
        `${ratio(c.negativesAny, c.negatives)} / ${ratio(c.negativesSignal, c.negatives)}`,
      ],
      [
        '(not in the figures) positives that need Panther mocks, detected',
        ratio(c.withMocksDetected, c.withMocks),
      ],
      [
        'tests whose only detections are informational, decided LOG_ONLY (must be all)',
        ratio(informationalOnly.logOnly, informationalOnly.events),
      ],
    ],
  );
  console.log(
    '\nrecall = a positive is detected when its scan line lists at least one detection, of any severity (informational included); invalid input is a miss.',
  );
  if (misses.size > 0)
    console.log(
      `\nmissed positives, by rule:\n  ${[...misses].map(([rule, tests]) => `${rule}: ${tests.join('; ')}`).join('\n  ')}`,
    );
  if (actioned.length > 0) console.log(`\nactioned rule-negative tests:\n  ${actioned.join('\n  ')}`);
}

/** Invictus non-attack records (derived labels) through `aisaws scan`: what would be changed, and who would be told. */
function evalInvictusScan(): void {
  const dir = join(cloudtrailDir, 'invictus-ir-aws-dataset');
  if (!existsSync(dir)) return;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('labels'))
    .sort();
  const labels = new Map(readJsonLines(join(dir, 'labels.jsonl')).map((l) => [`${l.file}#${l.index}`, l]));
  const lines = aisawsScan(files.map((f) => join(dir, f)));
  const counts = { nonAttack: 0, actioned: 0, alert: 0, signalAtMediumOrHigh: 0 };
  const informationalOnly = { events: 0, logOnly: 0 };
  for (const line of lines) {
    if (line.file === undefined || line.index === undefined) continue;
    if (line.detections.length > 0 && line.detections.every((d) => isInformational(d))) {
      informationalOnly.events += 1;
      if (line.action === 'LOG_ONLY') informationalOnly.logOnly += 1;
    }
    const kind = String(labels.get(`${basename(line.file)}#${line.index}`)?.label ?? 'unlabeled');
    if (!NON_ATTACK_LABELS.has(kind)) continue;
    counts.nonAttack += 1;
    if (line.action !== undefined && ACTIONED.has(line.action)) counts.actioned += 1;
    if (line.action === 'ALERT') counts.alert += 1;
    if (line.level !== 'LOW' && line.detections.some((d) => !isInformational(d)))
      counts.signalAtMediumOrHigh += 1;
  }
  console.log(
    `\nInvictus non-attack records (unlabeled, Terraform, SSM agent) through aisaws scan: actioned ${ratio(counts.actioned, counts.nonAttack)}, ALERT ${ratio(counts.alert, counts.nonAttack)}, with a non-informational detection at MEDIUM/HIGH risk (would tell a person) ${ratio(counts.signalAtMediumOrHigh, counts.nonAttack)}`,
  );
  console.log(
    `Invictus records (all labels) whose only detections are informational, decided LOG_ONLY: ${ratio(informationalOnly.logOnly, informationalOnly.events)}`,
  );
}

function evalStratus(): void {
  const dir = join(cloudtrailDir, 'stratus-red-team');
  if (!existsSync(dir)) return;
  section('Subset: Stratus Red Team detonations (every record is an attack)');
  const files = readdirSync(dir).filter((f) => f.startsWith('aws.') && f.endsWith('.json'));
  const rows: string[][] = [];
  const misses: string[] = [];
  for (const file of files.sort()) {
    const records = readJson(join(dir, file)) as unknown[];
    const hits = records.flatMap((raw) => score(raw).hits);
    if (hits.length === 0) misses.push(file);
    rows.push([
      file.replace(/\.json$/, ''),
      String(records.length),
      String(hits.length),
      String(hits.filter((h) => h.actionable).length),
      ids(hits),
    ]);
  }
  table(['technique', 'records', 'hits', 'actionable', 'detections'], rows);
  console.log(`\nStratus techniques detected: ${files.length - misses.length}/${files.length}`);
  if (misses.length > 0) console.log(`missed: ${misses.join(', ')}`);
}

/**
 * Panther rules that test the same bad change as a catalog row, and the catalog ids that count as "the same
 * verdict". Generic change monitors (any IAM change, any role or user created, any EC2 stop) and rules that need
 * history (impossible travel, new account) are left out on purpose: AISAWS does not call those changes bad.
 */
const PANTHER_EQUIVALENTS: Record<string, readonly string[]> = {
  'AWS.Suspicious.SAML.Activity': ['identity.identity-provider-changed'],
  'AWS.CloudTrail.CodebuildProjectMadePublic': ['codebuild.project-public'],
  'AWS.EC2.Traffic.Mirroring': ['ec2.traffic-mirroring-changed'],
  'AWS.S3.DeleteBucketReplication': ['s3.replication-removed'],
  'AWS.S3.RansomwareNoteUpload': ['s3.ransom-note-uploaded'],
  'AWS.S3.CopyObjectToExternalAccountBucket': ['s3.object-copied-to-foreign-account'],
  'AWS.S3.CopyObject.CrossAccount.Encryption.KMS': ['s3.object-encrypted-with-foreign-key'],
  'AWS.S3.CopyObjectWithClientSideEncryption': ['s3.object-encrypted-with-customer-key'],
  'AWS.RDS.IAMRoleAdded': ['rds.iam-role-added'],
  'AWS.RDS.SecurityGroupIngressAuthorized': ['rds.security-group-ingress'],
  'AWS.RDS.ActivityStreamStopped': ['rds.activity-stream-stopped'],
  'AWS.RDS.SnapshotCopiedCrossRegion': ['rds.snapshot-copied-to-region'],
  'AWS.RDS.SnapshotExport': ['rds.snapshot-exported'],
  'AWS.RDS.AutomatedBackupDeleted': ['rds.backup-deleted'],
  'AWS.RDS.SnapshotDeleted': ['rds.backup-deleted'],
  'AWS.RDS.InstanceDeletion': ['rds.database-deleted'],
  'AWS.Bedrock.DeleteModelInvocationLoggingConfiguration': ['bedrock.safeguards-removed'],
  'AWS.Bedrock.GuardrailUpdateDelete': ['bedrock.safeguards-removed'],
  'AWS.CloudTrail.AMIModifiedForPublicAccess': ['ec2.ami-shared'],
  'AWS.CloudTrail.AttemptToLeaveOrg': ['organizations.leave-attempt'],
  'AWS.CloudTrail.DNSLogsDeleted': ['route53resolver.query-logging-deleted'],
  'AWS.CloudTrail.EnableRegion': ['account.region-enabled'],
  'AWS.CloudTrail.EventSelectorsDisabled': ['cloudtrail.management-events-excluded'],
  'AWS.CloudTrail.IAMCompromisedKeyQuarantine': ['iam.compromised-key-quarantine'],
  'AWS.CloudTrail.LoginProfileCreatedOrModified': ['iam.login-profile-for-other-user'],
  'AWS.CloudTrail.NetworkACLPermissiveEntry': ['ec2.network-acl-open-to-world'],
  'AWS.CloudTrail.PasswordSpraying': ['identity.console-login-failed', 'identity.root-console-login-failed'],
  'AWS.CloudTrail.ResourceMadePublic': ['resource.policy-public', 's3.bucket-policy-public'],
  'AWS.CloudTrail.RootAccessKeyCreated': ['identity.root-access-key-created'],
  'AWS.CloudTrail.RootPasswordChanged': ['identity.root-password-changed'],
  'AWS.CloudTrail.ShortLifecycle': ['s3.trail-bucket-short-lifecycle'],
  'AWS.CloudTrail.SnapshotMadePublic': ['ec2.snapshot-shared'],
  'AWS.CloudTrail.Stopped': ['cloudtrail.logging-stopped', 'cloudtrail.trail-deleted'],
  'AWS.ConfigService.DisabledDeleted': ['config.recorder-stopped', 'config.recorder-deleted'],
  'AWS.Console.GetSigninToken.Abuse': ['identity.console-session-from-keys'],
  'AWS.Console.LoginWithoutMFA': ['identity.console-login-without-mfa', 'identity.root-console-login'],
  'AWS.Console.RootLogin': ['identity.root-console-login'],
  'AWS.Console.RootLoginFailed': ['identity.root-console-login-failed'],
  'AWS.EC2.DownloadInstanceUserData': ['ec2.user-data-read'],
  'AWS.EC2.EBS.Encryption.Disabled': ['ec2.ebs-default-encryption-disabled'],
  'AWS.EC2.LaunchUnusualEC2Instances': ['ec2.unusual-instance-launch'],
  'AWS.EC2.ManyPasswordReadAttempts': ['ec2.password-data-read'],
  'AWS.EC2.MultiInstanceConnect': ['ec2.instance-connect-ssh-key'],
  'AWS.EC2.Startup.Script.Change': ['ec2.user-data-modified'],
  'AWS.IAM.AccessKeyCompromised': ['iam.compromised-key-quarantine'],
  'AWS.IAM.AttachAdminRolePolicy': ['iam.admin-policy-attached'],
  'AWS.IAM.AttachAdminUserPolicy': ['iam.admin-policy-attached'],
  'AWS.IAM.Backdoor.User.Keys': ['iam.access-key-for-other-user'],
  'AWS.IAM.BackdoorRole': ['iam.role-trust-backdoor'],
  'AWS.KMS.CustomerManagedKeyLoss': ['kms.key-deletion-scheduled', 'kms.key-disabled'],
  'AWS.Lambda.UpdateFunctionCode': ['lambda.code-updated-by-person'],
  'AWS.Lambda.UpdateFunctionConfiguration': ['lambda.layer-added-by-person'],
  'AWS.Macie.Evasion': ['macie.disabled'],
  'AWS.Potential.Backdoor.Lambda': ['lambda.permission-public'],
  'AWS.RDS.DeletionProtectionDisabled': ['rds.deletion-protection-disabled'],
  'AWS.RDS.InstanceMadePublic': ['rds.instance-public'],
  'AWS.RDS.MasterPasswordUpdated': ['rds.master-password-changed'],
  'AWS.RDS.PublicRestore': ['rds.instance-public'],
  'AWS.RDS.SnapshotShared': ['rds.snapshot-shared'],
  'AWS.Root.Activity': [
    'identity.root-activity',
    'identity.root-console-login',
    'identity.root-access-key-created',
  ],
  'AWS.S3.BucketDeleted': ['s3.bucket-deleted'],
  'AWS.S3.DeleteBucketEncryption': ['s3.bucket-encryption-deleted'],
  'AWS.S3.DeletePublicAccessBlock': ['s3.bucket-public-access-block-removed'],
  'AWS.S3.DisableBucketLogging': ['s3.bucket-logging-disabled'],
  'AWS.S3.DisableMfaDelete': ['s3.versioning-suspended'],
  'AWS.S3.SecurityControlDisabling': [
    's3.versioning-suspended',
    's3.bucket-logging-disabled',
    's3.bucket-encryption-deleted',
  ],
  'AWS.S3.SuspendVersioning': ['s3.versioning-suspended'],
  'AWS.SSM.DecryptSSMParams': ['ssm.securestring-decrypted'],
  'AWS.SSM.DistributedCommand': ['ssm.send-command'],
  'AWS.STS.GetCallerIdentity.TruffleHog': ['recon.offensive-tool-user-agent'],
  'AWS.SecretsManager.BatchRetrieveSecrets': ['secretsmanager.batch-retrieval'],
  'AWS.SecretsManager.BatchRetrieveSecretsCatchAll': ['secretsmanager.batch-retrieval'],
  'AWS.SecretsManager.RetrieveSecrets': ['secretsmanager.secret-read'],
  'AWS.SecretsManager.RetrieveSecretsMultiRegion': [
    'secretsmanager.secret-read',
    'secretsmanager.batch-retrieval',
  ],
  'AWS.SecurityHub.Finding.Evasion': ['securityhub.disabled'],
  'AWS.VPCFlow.LogsDeleted': ['ec2.flow-logs-deleted'],
  'AWS.WAF.Disassociation': ['waf.web-acl-disassociated'],
  'Standard.BruteForceByIP': ['identity.console-login-failed'],
  'Standard.BruteForceByUser': ['identity.console-login-failed'],
};

function evalPanther(): void {
  const dir = join(cloudtrailDir, 'panther-analysis-fixtures');
  const recordsPath = join(dir, 'panther-rule-tests.cloudtrail.jsonl');
  if (!existsSync(recordsPath)) return;
  section(
    'Subsets of the Panther rule tests, detection only (in process, malformed tests repaired in memory)',
  );
  const records = readJsonLines(recordsPath);
  const labels = readJsonLines(join(dir, 'panther-rule-tests.labels.jsonl'));
  let positives = 0;
  let positivesHit = 0;
  let inScope = 0;
  let inScopeHit = 0;
  let inScopeGuarded = 0;
  let inScopeNoMocks = 0;
  let inScopeNoMocksHit = 0;
  let negatives = 0;
  let negativesAny = 0;
  let negativesActionable = 0;
  const missedInScope: string[] = [];
  const negativeHits: string[] = [];
  let repairedCount = 0;
  let positivesStrict = 0;
  const mapped = { positives: 0, recalled: 0, negatives: 0, falseHits: 0, falseActionable: 0 };
  const mappedMisses: string[] = [];
  const mappedFalse: string[] = [];
  records.forEach((raw, i) => {
    const label = labels[i] as Json;
    const fixed = repaired(raw, i + 1);
    if (fixed) repairedCount += 1;
    const { record, hits } = score(fixed ?? raw);
    if (label.expected_result === true && !fixed && hits.length > 0) positivesStrict += 1;
    const equivalents = PANTHER_EQUIVALENTS[String(label.rule_id)];
    if (equivalents) {
      const same = hits.filter((h) => equivalents.includes(h.id));
      if (label.expected_result === true) {
        mapped.positives += 1;
        if (same.length > 0) mapped.recalled += 1;
        else
          mappedMisses.push(
            `${label.rule_id} — ${label.test_name}${label.needs_mocks === true ? ' (needs Panther mocks)' : ''}`,
          );
      } else {
        mapped.negatives += 1;
        if (same.length > 0) {
          mapped.falseHits += 1;
          mappedFalse.push(`${label.rule_id} — ${label.test_name}: ${ids(same)}`);
        }
        if (same.some((h) => h.actionable)) mapped.falseActionable += 1;
      }
    }
    const expected = label.expected_result === true;
    const scope =
      record !== null &&
      (covered(record.eventSource, record.eventName) || record.userIdentity?.type === 'Root');
    if (expected) {
      positives += 1;
      if (hits.length > 0) positivesHit += 1;
      if (scope) {
        inScope += 1;
        if (hits.length > 0) inScopeHit += 1;
        else if (record !== null && isAwsServiceActivity(record)) {
          inScopeGuarded += 1;
          missedInScope.push(
            `${label.rule_id} — ${label.test_name} (dropped by the shared guard: invokedBy ${record.userIdentity?.invokedBy ?? 'a service'})`,
          );
        } else missedInScope.push(`${label.rule_id} — ${label.test_name}`);
        if (label.needs_mocks !== true) {
          inScopeNoMocks += 1;
          if (hits.length > 0) inScopeNoMocksHit += 1;
        }
      }
    } else {
      negatives += 1;
      if (hits.length > 0) {
        negativesAny += 1;
        negativeHits.push(
          `${label.rule_id} — ${label.test_name}: ${ids(hits)}${hits.some((h) => h.actionable) ? ' [actionable]' : ''}`,
        );
      }
      if (hits.some((h) => h.actionable)) negativesActionable += 1;
    }
  });
  table(
    ['measure', 'value'],
    [
      ['tests repaired to pass the CloudTrail schema', ratio(repairedCount, records.length)],
      [
        'recall, all rule-positive tests incl. those needing mocks (repaired)',
        ratio(positivesHit, positives),
      ],
      ['  … counting repaired tests as misses', ratio(positivesStrict, positives)],
      ['recall, positives whose event a catalog trigger covers', ratio(inScopeHit, inScope)],
      [
        '  … not counting those the shared AWS-service guard drops',
        ratio(inScopeHit, inScope - inScopeGuarded),
      ],
      ['  … of those, not depending on Panther mocks', ratio(inScopeNoMocksHit, inScopeNoMocks)],
      [
        `rules with a catalog equivalent (${Object.keys(PANTHER_EQUIVALENTS).length}): positives hit by that detection`,
        ratio(mapped.recalled, mapped.positives),
      ],
      [
        '  … their negatives hit by that detection (any / actionable)',
        `${ratio(mapped.falseHits, mapped.negatives)} / ${ratio(mapped.falseActionable, mapped.negatives)}`,
      ],
      ['rule-negative tests with any hit', ratio(negativesAny, negatives)],
      ['rule-negative tests with an actionable hit', ratio(negativesActionable, negatives)],
    ],
  );
  if (mappedMisses.length > 0)
    console.log(`\npositives of rules with a catalog equivalent, missed:\n  ${mappedMisses.join('\n  ')}`);
  if (mappedFalse.length > 0)
    console.log(`\nnegatives of rules with a catalog equivalent, hit by it:\n  ${mappedFalse.join('\n  ')}`);
  if (missedInScope.length > 0) console.log(`\nin-scope positives missed:\n  ${missedInScope.join('\n  ')}`);
  if (negativeHits.length > 0)
    console.log(
      `\nrule-negative tests with a hit (another rule's negative can be a true hit for ours):\n  ${negativeHits.join('\n  ')}`,
    );

  const scenarioPath = join(dir, 'scenario-compromised-root-creds.cloudtrail.jsonl');
  if (existsSync(scenarioPath)) {
    const scenario = readJsonLines(scenarioPath);
    const scenarioLabels = readJsonLines(join(dir, 'scenario-compromised-root-creds.labels.jsonl'));
    const counts = { attack: [0, 0], benign: [0, 0] } as Record<string, [number, number]>;
    scenario.forEach((raw, i) => {
      const label = String((scenarioLabels[i] as Json).label ?? '');
      const kind = label.includes('attack') || label.includes('malicious') ? 'attack' : 'benign';
      const bucket = counts[kind] as [number, number];
      bucket[1] += 1;
      if (score(raw).hits.length > 0) bucket[0] += 1;
    });
    console.log(
      `\nPanther scenario compromised-root-creds: attack records with a hit ${ratio(...(counts.attack as [number, number]))}, benign records with a hit ${ratio(...(counts.benign as [number, number]))} (benign = the owner's own root logins without MFA)`,
    );
  }
}

const NON_ATTACK_LABELS = new Set([
  'unlabeled',
  'unlabeled-terraform',
  'background-ssm-agent-on-lab-instance',
]);
const TOOLING_LABELS = new Set(['attack-warmup', 'attack-revert', 'attack-tool-preflight']);

function evalInvictus(): void {
  const dir = join(cloudtrailDir, 'invictus-ir-aws-dataset');
  if (!existsSync(dir)) return;
  section('Subset: Invictus IR, one Stratus run in raw CloudTrail (derived labels), detection only');
  const labels = readJsonLines(join(dir, 'labels.jsonl'));
  const byKey = new Map(labels.map((l) => [`${l.file}#${l.index}`, l]));
  const techniques = new Map<
    string,
    { records: number; hit: number; actionable: number; ids: Set<string> }
  >();
  let detonations = 0;
  let detonationsHit = 0;
  let nonAttack = 0;
  let nonAttackActionable = 0;
  let nonAttackAny = 0;
  let tooling = 0;
  let toolingActionable = 0;
  const nonAttackIds = new Map<string, number>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('labels'))) {
    const content = readJson(join(dir, file)) as Json;
    const records = Array.isArray(content.Records) ? content.Records : [];
    records.forEach((raw, index) => {
      const label = byKey.get(`${file}#${index}`);
      const { hits } = score(raw);
      const kind = String(label?.label ?? 'unlabeled');
      if (kind === 'attack-detonation') {
        detonations += 1;
        const technique = String(label?.stratus_technique ?? 'unknown');
        const entry = techniques.get(technique) ?? {
          records: 0,
          hit: 0,
          actionable: 0,
          ids: new Set<string>(),
        };
        entry.records += 1;
        if (hits.length > 0) {
          entry.hit += 1;
          detonationsHit += 1;
        }
        if (hits.some((h) => h.actionable)) entry.actionable += 1;
        for (const h of hits) entry.ids.add(h.id);
        techniques.set(technique, entry);
      } else if (NON_ATTACK_LABELS.has(kind)) {
        nonAttack += 1;
        if (hits.length > 0) nonAttackAny += 1;
        if (hits.some((h) => h.actionable)) {
          nonAttackActionable += 1;
          for (const h of hits.filter((x) => x.actionable))
            nonAttackIds.set(h.id, (nonAttackIds.get(h.id) ?? 0) + 1);
        }
      } else if (TOOLING_LABELS.has(kind)) {
        tooling += 1;
        if (hits.some((h) => h.actionable)) toolingActionable += 1;
      }
    });
  }
  const rows = [...techniques]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([technique, e]) => [
      technique.replace(/^aws\./, ''),
      String(e.records),
      String(e.hit),
      String(e.actionable),
      [...e.ids].join(', '),
    ]);
  table(['detonated technique', 'records', 'hit', 'actionable', 'detections'], rows);
  const recalled = [...techniques.values()].filter((e) => e.hit > 0).length;
  const missed = [...techniques].filter(([, e]) => e.hit === 0).map(([t]) => t);
  console.log(`\nInvictus detonated techniques recalled: ${ratio(recalled, techniques.size)}`);
  if (missed.length > 0) console.log(`missed: ${missed.join(', ')}`);
  console.log(
    `Invictus detonation-record recall: ${ratio(detonationsHit, detonations)} (many are AssumeRole / Describe calls around the attack)`,
  );
  console.log(
    `Invictus non-attack records (unlabeled, Terraform, SSM agent) with any hit: ${ratio(nonAttackAny, nonAttack)}`,
  );
  console.log(
    `Invictus non-attack records with an actionable hit: ${ratio(nonAttackActionable, nonAttack)}${nonAttackIds.size > 0 ? ` — ${[...nonAttackIds].map(([id, n]) => `${id}×${n}`).join(', ')}` : ''}`,
  );
  console.log(
    `Invictus Stratus tooling records (warm-up, revert, preflight) with an actionable hit: ${ratio(toolingActionable, tooling)}`,
  );
}

function evalOtrf(): void {
  const path = join(
    cloudtrailDir,
    'otrf-security-datasets',
    'ec2_proxy_s3_exfiltration_2020-09-14011940.jsonl',
  );
  if (!existsSync(path)) return;
  section('OTRF cloud bank breach (stolen instance credentials, S3 exfiltration)');
  const records = readJsonLines(path);
  const labels = readJsonLines(join(dirname(path), 'ec2_proxy_s3_exfiltration.labels.jsonl'));
  const counts = new Map<string, [number, number, number]>();
  records.forEach((raw, i) => {
    const label = String((labels[i] as Json | undefined)?.label ?? 'unknown');
    const { hits } = score(raw);
    const entry = counts.get(label) ?? [0, 0, 0];
    entry[0] += 1;
    if (hits.length > 0) entry[1] += 1;
    if (hits.some((h) => h.actionable)) entry[2] += 1;
    counts.set(label, entry);
  });
  table(
    ['label', 'records', 'any hit', 'actionable'],
    [...counts].map(([label, [n, any, act]]) => [label, String(n), String(any), String(act)]),
  );
  console.log(
    '(the attack here is S3 data reads with stolen instance-role keys: a behaviour/score matter, not a catalog change)',
  );
}

function evalUnlabeled(): void {
  const sources = [
    join(cloudtrailDir, 'aws-docs-examples', 'cloudtrail-records.json'),
    ...listFiles(join(cloudtrailDir, 'elastic-integrations-fixtures')).filter((f) =>
      /\.(json|log|jsonl)$/.test(f),
    ),
  ];
  for (const path of sources) {
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8').trim();
    let records: unknown[];
    try {
      const value = JSON.parse(text) as unknown;
      records = Array.isArray(value)
        ? value
        : Array.isArray((value as Json).Records)
          ? ((value as Json).Records as unknown[])
          : [value];
    } catch {
      records = text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as unknown);
    }
    section(`Unlabeled examples: ${relative(datasetsDir, path)}`);
    const byId = new Map<string, number>();
    let withHit = 0;
    for (const raw of records) {
      const { hits } = score(raw);
      if (hits.length > 0) withHit += 1;
      for (const h of hits)
        byId.set(
          `${h.id}${h.actionable ? ' (actionable)' : ''}`,
          (byId.get(`${h.id}${h.actionable ? ' (actionable)' : ''}`) ?? 0) + 1,
        );
    }
    console.log(`records with a hit: ${ratio(withHit, records.length)}`);
    table(
      ['detection', 'hits'],
      [...byId].sort(([a], [b]) => a.localeCompare(b)).map(([id, n]) => [id, String(n)]),
    );
  }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Every `eventSource` / `eventName` value a Sigma detection selects (any selection, any modifier). */
function sigmaSelections(detection: unknown): {
  sources: string[];
  names: string[];
  principalTypes: string[];
} {
  const sources: string[] = [];
  const names: string[] = [];
  const principalTypes: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      const field = key.split('|')[0];
      const values = (Array.isArray(value) ? value : [value]).filter(
        (v): v is string => typeof v === 'string',
      );
      if (field === 'eventSource') sources.push(...values);
      else if (field === 'eventName') names.push(...values);
      else if (field === 'userIdentity.type') principalTypes.push(...values);
      else visit(value);
    }
  };
  visit(detection);
  return { sources, names, principalTypes };
}

function evalSigma(): void {
  const dir = join(datasetsDir, 'rules', 'sigma');
  const files = listFiles(dir).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));
  if (files.length === 0) return;
  section('Sigma checklist (rules/sigma): does a catalog trigger cover the events each rule selects?');
  const bySource = catalog.triggersBySource();
  const allNames = new Set([...bySource.values()].flat());
  const rows: string[][] = [];
  let full = 0;
  let partial = 0;
  const uncovered: string[] = [];
  for (const file of files.sort()) {
    const rule = parseYaml(readFileSync(file, 'utf8')) as Json;
    const { sources, names, principalTypes } = sigmaSelections(rule.detection);
    if (
      names.length === 0 &&
      principalTypes.length > 0 &&
      principalTypes.every((t) => catalog.principalTypes().includes(t))
    ) {
      full += 1;
      rows.push([
        basename(file).replace(/\.yml$/, ''),
        '*',
        `(any event by userIdentity.type ${principalTypes.join(', ')})`,
        'covered',
      ]);
      continue;
    }
    if (names.length === 0) {
      rows.push([basename(file), sources.join(' ') || '-', '(no eventName)', 'n/a']);
      uncovered.push(`${basename(file)} (selects no eventName: ${String(rule.title ?? '')})`);
      continue;
    }
    const isCovered = (name: string): boolean =>
      sources.length > 0
        ? sources.some((source) => (bySource.get(source) ?? []).includes(name))
        : allNames.has(name);
    const hit = names.filter(isCovered);
    const status = hit.length === names.length ? 'covered' : hit.length > 0 ? 'partial' : 'no';
    if (status === 'covered') full += 1;
    else if (status === 'partial') partial += 1;
    else uncovered.push(`${basename(file)} (${sources.join(',') || 'any source'}: ${names.join(', ')})`);
    const shown =
      names.length > 4 ? `${names.slice(0, 4).join(', ')}, … (${names.length})` : names.join(', ');
    rows.push([
      basename(file).replace(/\.yml$/, ''),
      sources.map((s) => s.replace('.amazonaws.com', '')).join(',') || '*',
      shown,
      status,
    ]);
  }
  table(['rule', 'source', 'eventName', 'covered'], rows);
  console.log(
    `\nSigma rules covered: ${full}/${files.length} fully, ${partial} partially, ${uncovered.length} not`,
  );
  if (uncovered.length > 0) console.log(`uncovered:\n  ${uncovered.join('\n  ')}`);
}

function main(): void {
  if (!existsSync(cloudtrailDir)) {
    console.log(
      `datasets absent: ${datasetsDir} has no cloudtrail/ folder — nothing to evaluate (pass the folder as the first argument).`,
    );
    return;
  }
  const informational = catalog.all.filter((d) => isInformational(d)).length;
  console.log(
    `AISAWS detection catalog: ${catalog.all.length} detections (${informational} informational); datasets at ${datasetsDir}`,
  );
  evalPantherAllRules();
  evalInvictusScan();
  evalStratus();
  evalPanther();
  evalInvictus();
  evalOtrf();
  evalUnlabeled();
  evalSigma();
  section('Totals');
  console.log(
    `${scanned} records detected in ${scanMs.toFixed(1)} ms (${((scanned / Math.max(scanMs, 0.001)) * 1000).toFixed(0)} records/s, detection only); ${parseErrors} raw records failed the CloudTrail schema`,
  );
}

main();
