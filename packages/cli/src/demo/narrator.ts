import type { OutboxMessage } from '@aisaws/simulated-account';
import * as z from 'zod';
import type { LocalSandbox } from '../sandbox/local-sandbox.js';
import { createPainter, type DemoOutput, formatEmail, formatMs, formatResourceChange } from './render.js';
import type { DemoScenario } from './scenarios.js';
import type { StageReport } from './stage-log.js';

/**
 * What a person sees while the demo runs: each stage as it finishes, with its latency and what it found or did.
 * Silent in JSON mode (the narrator is created with no output).
 */

/** A workflow step that is not a Lambda (a Record state, the start of the remediation execution, a duplicate). */
interface WorkflowStep {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  readonly endedAt: number;
  readonly detail?: string;
}

const TRIAGE_TITLE = 'Triage workflow (infra/workflows/triage.asl.json)';
const REMEDIATION_TITLE = 'Remediation workflow (infra/workflows/remediation.asl.json)';
/** Steps of the triage workflow, run once per delivery. */
const TRIAGE_STAGES: readonly string[] = [
  'Ingest',
  'Score',
  'Decide',
  'Alert Person',
  'Record Alerted',
  'Start Remediation',
];

/** How one triage execution (one EventBridge delivery) ended. */
interface DeliveryOutcome {
  readonly status: string;
  /** The state the triage execution ended in (`Logged Only`, `Duplicate Ignored` …), when known. */
  readonly endState?: string;
}

// The narrator reads stage outputs to describe them; each shape is checked, and an unexpected one is shown as-is.
const IngestOutputSchema = z.looseObject({
  detections: z.array(z.looseObject({ id: z.string(), severity: z.number(), summary: z.string() })),
  archive: z.looseObject({ bucket: z.string(), key: z.string() }).nullable(),
});
const ScoreOutputSchema = z.looseObject({
  risk: z.looseObject({
    score: z.number(),
    model: z.looseObject({ id: z.string() }),
    explanation: z.array(
      z.looseObject({ feature: z.string(), contribution: z.number(), description: z.string().optional() }),
    ),
  }),
});
const DecideOutputSchema = z.looseObject({
  decision: z.looseObject({ action: z.string(), level: z.string(), reason: z.string() }),
});
const RemediationOutputSchema = z.looseObject({ status: z.string(), changes: z.array(z.string()) });
const VerifyOutputSchema = z.looseObject({ status: z.string(), details: z.string() });
const AlertOutputSchema = z.looseObject({
  subject: z.string(),
  delivery: z.enum(['published', 'queued']).optional(),
});

/** One line saying what a stage found or did. */
function describeStage(report: StageReport): string {
  if (!report.ok) return `${report.error?.name ?? 'Error'}: ${report.error?.message ?? ''}`;
  const output = report.output;
  switch (report.name) {
    case 'Ingest': {
      const parsed = IngestOutputSchema.safeParse(output);
      if (!parsed.success) break;
      const hits = parsed.data.detections.map((hit) => `${hit.id} (${hit.severity.toFixed(2)})`);
      return `detections: ${hits.length > 0 ? hits.join(', ') : 'none'}${parsed.data.archive ? ` · archived s3://${parsed.data.archive.bucket}/${parsed.data.archive.key}` : ''}`;
    }
    case 'Score': {
      const parsed = ScoreOutputSchema.safeParse(output);
      if (!parsed.success) break;
      return `risk ${parsed.data.risk.score.toFixed(2)} (model ${parsed.data.risk.model.id})`;
    }
    case 'Decide': {
      const parsed = DecideOutputSchema.safeParse(output);
      if (!parsed.success) break;
      return `${parsed.data.decision.action} (${parsed.data.decision.level})`;
    }
    case 'Snapshot':
      return 'prior state read and stored on the events item (what rollback restores)';
    case 'Remediate':
    case 'Rollback': {
      const parsed = RemediationOutputSchema.safeParse(output);
      if (!parsed.success) break;
      return `${parsed.data.status}${parsed.data.changes.length > 0 ? `: ${parsed.data.changes.join('; ')}` : ''}`;
    }
    case 'Verify': {
      const parsed = VerifyOutputSchema.safeParse(output);
      if (!parsed.success) break;
      return `${parsed.data.status}: ${parsed.data.details}`;
    }
    default: {
      const parsed = AlertOutputSchema.safeParse(output);
      if (!parsed.success) break;
      return parsed.data.delivery === 'queued'
        ? `SNS refused, e-mail kept on the outbox queue: ${parsed.data.subject}`
        : `e-mail sent: ${parsed.data.subject}`;
    }
  }
  return '';
}

/** Top explanations of the score, largest |contribution| first. */
function topExplanations(report: StageReport, count: number): string[] {
  const parsed = ScoreOutputSchema.safeParse(report.output);
  if (!parsed.success) return [];
  // The intercept is the model's baseline, not a reason: the explanation is the features.
  return [...parsed.data.risk.explanation.filter((entry) => entry.feature !== 'bias')]
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, count)
    .map(
      (entry) =>
        `${entry.contribution >= 0 ? '+' : '−'}${Math.abs(entry.contribution).toFixed(2)}  ${entry.feature}${entry.description ? ` — ${entry.description}` : ''}`,
    );
}

interface SummaryView {
  scenario: string;
  eventId: string;
  decision: string | null;
  reason: string | null;
  status: string | null;
  verified: boolean;
  remediations: number;
  deliveries: number;
  latencyMs: number;
  startupMs: number;
  totalMs: number;
  resource: { type: string; id: string; before: Record<string, unknown>; after: Record<string, unknown> };
  apiCalls: string[];
  /** An outcome e-mail was sent (for ALERT: triage's "Alert Person"). */
  alerted: boolean;
  /** The findings the simulated Security Hub holds after the run. */
  securityHub: { id: string; workflowStatus: string; severity: string }[];
}

function createDemoNarrator(out: DemoOutput | null) {
  const painter = createPainter(out?.isTTY ?? false);
  const write = (line = ''): void => out?.write(`${line}\n`);
  const STAGE_WIDTH = 22;
  let lastSection = '';
  /** E-mails arrive while their Alert stage runs; they are shown right after that stage's line. */
  const arrivedEmails: OutboxMessage[] = [];
  const flushEmails = (): void => {
    for (const message of arrivedEmails.splice(0)) {
      write(painter.dim('    e-mail delivered to the outbox:'));
      for (const line of formatEmail(message, '    ', painter)) write(line);
    }
  };

  const shownSections = new Set<string>();
  /** A heading, once: lines of a later redelivery carry a tag instead of repeating it. */
  const section = (title: string): void => {
    if (title === lastSection || shownSections.has(title)) return;
    lastSection = title;
    shownSections.add(title);
    write();
    write(painter.bold(title));
  };
  /** How many times each stage ran: the 2nd Ingest of the same event is a redelivery. */
  const runs = new Map<string, number>();
  const redeliveryTag = (name: string): string => {
    const count = (runs.get(name) ?? 0) + 1;
    runs.set(name, count);
    return count > 1 && TRIAGE_STAGES.includes(name) ? painter.dim(`[delivery ${count}] `) : '';
  };

  return {
    header(scenario: DemoScenario, sandbox: LocalSandbox, outboxDir: string): void {
      write(painter.bold(`AISAWS demo · ${scenario.id} — ${scenario.title}`));
      write(painter.dim(scenario.story));
      write();
      write(`Sandbox (${formatMs(sandbox.startupMs)} to start, state in ${sandbox.stateDir.paths.root}):`);
      write(
        `  DynamoDB      dynalite ${sandbox.dynamo.endpoint} (tables ${Object.values(sandbox.tables).join(', ')})`,
      );
      if (sandbox.s3)
        write(`  S3 archive    s3rver ${sandbox.s3.endpoint} (bucket ${sandbox.archiveBucket})`);
      write(
        `  AWS account   simulated account ${sandbox.account.accountId} (${sandbox.account.region}): S3 ACL/BPA, EC2 rules, CloudTrail, EBS, IAM`,
      );
      write(`  SNS topic     simulated: alert e-mails are written as .eml files to ${outboxDir}`);
    },

    change(
      record: Record<string, unknown>,
      initial: Record<string, unknown>,
      exposed: Record<string, unknown>,
    ): void {
      section('The change (simulated AWS account → CloudTrail → EventBridge)');
      const identity = z
        .looseObject({ type: z.string(), userName: z.string().optional(), arn: z.string().optional() })
        .safeParse(record.userIdentity);
      const who = identity.success
        ? identity.data.type === 'Root'
          ? 'root'
          : (identity.data.userName ?? identity.data.arn ?? '?')
        : '?';
      const source = String(record.eventSource).replace('.amazonaws.com', '');
      if (record.eventType === 'SecurityFinding')
        write(
          `  ${source} finding ${String(record.eventName)}: ${who}'s credentials used from ${String(record.sourceIPAddress)}`,
        );
      else
        write(`  ${who} calls ${source}:${String(record.eventName)} from ${String(record.sourceIPAddress)}`);
      write(
        painter.dim(
          `  CloudTrail record ${String(record.eventID)} at ${String(record.eventTime)}, delivered by EventBridge`,
        ),
      );
      write('  Resource, before → after the change:');
      for (const line of formatResourceChange(initial, exposed, '    ', painter)) write(line);
    },

    section,

    stage(report: StageReport): void {
      section(TRIAGE_STAGES.includes(report.name) ? TRIAGE_TITLE : REMEDIATION_TITLE);
      const tag = redeliveryTag(report.name);
      write(
        `  ${painter.ok(report.ok)} ${report.name.padEnd(STAGE_WIDTH)}${formatMs(report.ms).padStart(9)}  ${tag}${describeStage(report)}`,
      );
      if (tag === '' && report.name === 'Score')
        for (const line of topExplanations(report, 3)) write(painter.dim(`      ${line}`));
      if (tag === '' && report.name === 'Decide') {
        const parsed = DecideOutputSchema.safeParse(report.output);
        if (parsed.success) write(painter.dim(`      ${parsed.data.decision.reason}`));
      }
      flushEmails();
    },

    step(step: WorkflowStep): void {
      const tag = redeliveryTag(step.name);
      write(
        `  ${painter.ok(step.ok)} ${step.name.padEnd(STAGE_WIDTH)}${formatMs(step.ms).padStart(9)}  ${tag}${step.detail ?? ''}`,
      );
    },

    deliveries(deliveries: number, remediationExecutions: number): void {
      if (deliveries < 2) return;
      write(
        painter.dim(
          `  ${deliveries} deliveries of the same event → ${remediationExecutions} remediation execution${remediationExecutions === 1 ? '' : 's'} (execution name = eventId)`,
        ),
      );
    },

    email(message: OutboxMessage): void {
      arrivedEmails.push(message);
    },

    waitingForApproval(
      links: { approve: string; reject: string },
      stateDir: string,
      timeoutSeconds: number,
    ): void {
      const timeout =
        timeoutSeconds >= 120 ? `${Math.round(timeoutSeconds / 60)} min` : `${timeoutSeconds} s`;
      write();
      write(painter.bold(`Waiting for a person to approve or reject (the request times out in ${timeout}).`));
      write(`  From another terminal:  aisaws approve [--reject] --state-dir ${stateDir}`);
      write(painter.dim(`  or open a signed link from the e-mail: approve ${links.approve}`));
      write(painter.dim(`                                         reject  ${links.reject}`));
    },

    approvalAnswered(decision: 'approve' | 'reject', httpStatus: number): void {
      write(
        `  ${painter.ok(httpStatus === 200)} approval endpoint answered ${httpStatus} to the ${decision} link`,
      );
    },

    summary(result: SummaryView): void {
      flushEmails();
      section('Result');
      write(`  Resource ${result.resource.type} ${result.resource.id}, before → after AISAWS:`);
      for (const line of formatResourceChange(result.resource.before, result.resource.after, '    ', painter))
        write(line);
      if (result.apiCalls.length > 0) {
        write('  Changes AISAWS made in the simulated account:');
        for (const call of result.apiCalls) write(`    ${call}`);
      }
      for (const finding of result.securityHub)
        write(
          `  Security Hub (simulated): finding ${finding.id}, ${finding.severity}, Workflow.Status ${finding.workflowStatus}`,
        );
      write();
      const outcome = result.verified
        ? painter.paint('green', 'VERIFIED')
        : painter.bold(result.status ?? 'no status');
      write(
        `  Outcome: ${outcome} · decision ${result.decision ?? '-'} · remediations run: ${result.remediations} (deliveries: ${result.deliveries})`,
      );
      if (result.verified) write(painter.bold(`  Event → verified fix: ${formatMs(result.latencyMs)}`));
      else write(`  Event → final status: ${formatMs(result.latencyMs)}`);
      write(
        painter.dim(
          `  Total ${formatMs(result.totalMs)} (sandbox start ${formatMs(result.startupMs)}). Event id ${result.eventId}`,
        ),
      );
      if (result.decision === 'ALERT')
        write(
          painter.dim(
            result.alerted
              ? '  ALERT: no fix exists or none is permitted, so triage tells a person ("Alert Person") and records the events item ALERTED.'
              : '  ALERT: no fix exists or none is permitted, but no e-mail was recorded: check the quarantine queue.',
          ),
        );
      if (result.decision === 'LOG_ONLY')
        write(
          painter.dim(
            '  LOG_ONLY: triage ends at "Logged Only"; the events item records the score and the reason, nobody is told.',
          ),
        );
      const rollback = result.remediations > 0 ? `   ·   aisaws rollback ${result.eventId}` : '';
      write(painter.dim(`  Next: aisaws status ${result.eventId}${rollback}`));
    },
  };
}

type DemoNarrator = ReturnType<typeof createDemoNarrator>;

export type { DeliveryOutcome, DemoNarrator, WorkflowStep };
export { createDemoNarrator, describeStage, topExplanations };
