import type { Clock } from '@aisaws/core/ports';
import {
  findingIdOf,
  hasFindingToPublish,
  type PublishFindingRequest,
  type PublishFindingResult,
  productArnOf,
  type RolledBackFindingRequest,
  rolledBackNoteOf,
  toAsffFinding,
  workflowStatusOf,
} from '@aisaws/core/publish';
import { classifyThrottling } from '@aisaws/lambda-runtime';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { FindingNotImportedError } from './errors.js';
import type { SecurityHubFindings } from './security-hub.js';

interface PublishFindingDeps {
  readonly securityHub: SecurityHubFindings;
  /** The account this Lambda runs in: the product ARN's account and every finding's AwsAccountId. */
  readonly account: string;
  /** The region of the product ARN (the Lambda's region). */
  readonly region: string;
  readonly clock: Clock;
}

/**
 * Reopens the finding of a rolled-back fix: Workflow NOTIFIED (it was RESOLVED) and a note saying who rolled back
 * what and when, on the same finding (BatchUpdateFindings; idempotent: a retry sets the same status and note). A
 * finding Security Hub does not hold (its VERIFIED upsert was refused and waits on the quarantine queue) is refused
 * like an import, so the request is kept to replay.
 */
async function reopenRolledBackFinding(
  request: RolledBackFindingRequest,
  deps: PublishFindingDeps,
): Promise<PublishFindingResult> {
  const findingId = findingIdOf(request.eventId);
  const updated = await classifyThrottling('securityhub:BatchUpdateFindings', () =>
    deps.securityHub.batchUpdateFindings({
      FindingIdentifiers: [{ Id: findingId, ProductArn: productArnOf(deps.region, deps.account) }],
      Workflow: { Status: 'NOTIFIED' },
      Note: rolledBackNoteOf(request),
    }),
  );
  const unprocessed = updated.UnprocessedFindings?.[0];
  if (unprocessed)
    throw new FindingNotImportedError(
      `Security Hub did not reopen finding ${findingId} after the rollback: ${unprocessed.ErrorCode ?? 'unknown'}: ${unprocessed.ErrorMessage ?? 'no message'}`,
      unprocessed.ErrorCode ?? 'unknown',
    );
  return {
    schemaVersion: 1,
    eventId: request.eventId,
    status: 'published',
    findingId,
    workflowStatus: 'NOTIFIED',
    reason: `ROLLED_BACK: finding ${findingId} reopened (NOTIFIED) with a note on who rolled it back`,
  };
}

/**
 * Upserts the event's ASFF finding, then sets its workflow status. BatchImportFindings sets `Workflow` only when it
 * creates a finding (Security Hub ignores it on an update), so the status a later stage reaches (NOTIFIED while
 * waiting for approval, RESOLVED once verified, NEW again after a rejection or a failure) is set with
 * BatchUpdateFindings on the same finding. Both are idempotent: a retry upserts the same finding again.
 * An event without detection has nothing to report and is skipped.
 */
async function publishFinding(
  request: PublishFindingRequest,
  deps: PublishFindingDeps,
): Promise<PublishFindingResult> {
  if (request.outcome === 'ROLLED_BACK') return reopenRolledBackFinding(request, deps);
  const { event } = request;
  const base = { schemaVersion: 1 as const, eventId: event.eventId };
  if (!hasFindingToPublish(event))
    return { ...base, status: 'skipped', reason: 'no detection: the event is not a finding' };
  const finding = toAsffFinding(request, {
    account: deps.account,
    region: deps.region,
    now: deps.clock.now().toISOString(),
  });
  const imported = await classifyThrottling('securityhub:BatchImportFindings', () =>
    deps.securityHub.batchImportFindings({ Findings: [finding as AwsSecurityFinding] }),
  );
  const failed = imported.FailedFindings?.[0];
  if (failed || (imported.FailedCount ?? 0) > 0)
    throw new FindingNotImportedError(
      `Security Hub did not import finding ${finding.Id}: ${failed?.ErrorCode ?? 'unknown'}: ${failed?.ErrorMessage ?? 'no message'}`,
      failed?.ErrorCode ?? 'unknown',
    );
  const workflowStatus = workflowStatusOf(request.outcome);
  const updated = await classifyThrottling('securityhub:BatchUpdateFindings', () =>
    deps.securityHub.batchUpdateFindings({
      FindingIdentifiers: [{ Id: finding.Id, ProductArn: finding.ProductArn }],
      Workflow: { Status: workflowStatus },
    }),
  );
  const unprocessed = updated.UnprocessedFindings?.[0];
  if (unprocessed)
    throw new FindingNotImportedError(
      `Security Hub did not set the workflow status of ${finding.Id} to ${workflowStatus}: ${unprocessed.ErrorCode ?? 'unknown'}: ${unprocessed.ErrorMessage ?? 'no message'}`,
      unprocessed.ErrorCode ?? 'unknown',
    );
  return {
    ...base,
    status: 'published',
    findingId: finding.Id,
    workflowStatus,
    reason: `${request.outcome}: upserted as ${finding.Severity.Label} finding ${findingIdOf(event.eventId)} of ${productArnOf(deps.region, deps.account)}`,
  };
}

export type { PublishFindingDeps };
export { publishFinding };
