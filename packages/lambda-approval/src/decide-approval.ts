import {
  type ApprovalDecision,
  approvalMarkerKey,
  type RollbackApproval,
  signRollbackApproval,
  verifyApprovalLink,
} from '@aisaws/core/approval';
import type { Clock } from '@aisaws/core/ports';
import { isConditionalCheckFailed } from '@aisaws/lambda-runtime/dynamodb';
import type { SecretProvider } from '@aisaws/lambda-runtime/secrets';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import {
  confirmationPage,
  FunctionUrlEventSchema,
  formFields,
  type HttpResponse,
  htmlPage,
} from './function-url-event.js';

/** The one SFN call this Lambda makes: an SFNClient, or the local workflow runner's simulation of it. */
interface TaskTokenSender {
  send(command: SendTaskSuccessCommand): Promise<unknown>;
}

interface ApprovalDeps {
  readonly sfn: TaskTokenSender;
  readonly dynamo: DynamoDBClient;
  /** The `state` table: holds the once-only `approval#<sha256(token)>` markers. */
  readonly stateTable: string;
  /**
   * Returns the approval-link HMAC key (`cachedSecret` of the Secrets Manager secret in AWS); `{ refresh: true }`
   * reads it again past the cache (a link signed with a key newer than the cached one).
   */
  readonly signingKey: SecretProvider;
  readonly clock: Clock;
}

/**
 * The output the workflows' "Check Approval" Choice reads. An approved rollback link also yields the signed
 * RollbackApproval for its event: the only thing the rollback function accepts as leave to un-fix.
 */
interface ApprovalOutput {
  approved: boolean;
  by: string;
  at: string;
  rollbackApproval?: RollbackApproval;
}

/** How long an issued RollbackApproval may be used: the rollback workflow's next step runs at once. */
const ROLLBACK_APPROVAL_TTL_SECONDS = 900;

/** Step Functions no longer waits for this token: the approval timed out, or the execution ended. */
const GONE_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);
/** Keep the marker a day after the link expires, then let TTL remove it. */
const MARKER_GRACE_SECONDS = 86_400;

async function previousDecision(deps: ApprovalDeps, pk: string): Promise<string> {
  const { Item } = await deps.dynamo.send(
    new GetItemCommand({ TableName: deps.stateTable, Key: { pk: { S: pk } }, ConsistentRead: true }),
  );
  const decision = Item?.decision?.S;
  const at = Item?.decidedAt?.S;
  return decision && at ? ` It was ${decision === 'approve' ? 'approved' : 'rejected'} at ${at}.` : '';
}

type LinkVerdict = ReturnType<typeof verifyApprovalLink>;
type ValidVerdict = Extract<LinkVerdict, { valid: true }>;

/** The page for a link that cannot be used; nothing was changed. */
function refusal(verdict: Exclude<LinkVerdict, { valid: true }>): HttpResponse {
  switch (verdict.reason) {
    case 'malformed':
      return htmlPage(
        400,
        'Malformed link',
        `The link is incomplete: ${verdict.message}. Nothing was changed.`,
      );
    case 'expired':
      return htmlPage(
        403,
        'Link expired',
        `This approval link has expired: ${verdict.message}. Nothing was changed.`,
      );
    case 'rotated':
      return htmlPage(
        403,
        'Link no longer valid',
        'This link was signed with a key that has since been rotated, so it can no longer be used. Nothing was changed; the request times out as the policy says, or a new approval e-mail is sent for a new event.',
      );
    case 'tampered':
      return htmlPage(
        403,
        'Link refused',
        'This link was altered or not signed by AISAWS (bad signature). Nothing was changed.',
      );
  }
}

const METHOD_NOT_ALLOWED = (): HttpResponse =>
  htmlPage(405, 'Method not allowed', 'Open the link from the e-mail, then confirm on the page.', {
    allow: 'GET, HEAD, POST',
  });

/** GET/HEAD: a read-only look at the link. It shows the confirmation form, or why the link cannot be used. */
async function showConfirmation(
  fields: Record<string, string>,
  verdict: ValidVerdict,
  deps: ApprovalDeps,
): Promise<HttpResponse> {
  const previous = await previousDecision(deps, approvalMarkerKey(verdict.taskToken));
  if (previous)
    return htmlPage(
      409,
      'Already decided',
      `A decision was already taken with this approval request.${previous}`,
    );
  const until = new Date(verdict.expiresAt * 1000).toISOString();
  if (verdict.rollbackOf !== undefined)
    return verdict.decision === 'approve'
      ? confirmationPage(
          'Approve this rollback?',
          `Nothing has been done yet. Rolling back re-opens what AISAWS fixed for event ${verdict.rollbackOf} (it restores the state before the fix). Press the button to approve it. This link works once, until ${until}.`,
          'Approve the rollback',
          fields,
        )
      : confirmationPage(
          'Reject this rollback?',
          `Nothing has been done yet. Press the button to refuse the rollback of event ${verdict.rollbackOf}; the fix stays. This link works once, until ${until}.`,
          'Reject the rollback',
          fields,
        );
  return verdict.decision === 'approve'
    ? confirmationPage(
        'Approve this fix?',
        `Nothing has been done yet. Press the button to let AISAWS apply the fix it proposes. This link works once, until ${until}.`,
        'Approve the fix',
        fields,
      )
    : confirmationPage(
        'Reject this fix?',
        `Nothing has been done yet. Press the button to refuse the fix; the event is then recorded as REJECTED. This link works once, until ${until}.`,
        'Reject the fix',
        fields,
      );
}

/** POST from the confirmation page: claim the once-only marker, then SendTaskSuccess. */
async function act(
  verdict: ValidVerdict,
  by: string,
  now: Date,
  key: string,
  deps: ApprovalDeps,
): Promise<HttpResponse> {
  const pk = approvalMarkerKey(verdict.taskToken);
  const at = now.toISOString();
  try {
    await deps.dynamo.send(
      new PutItemCommand({
        TableName: deps.stateTable,
        Item: {
          pk: { S: pk },
          decision: { S: verdict.decision },
          decidedAt: { S: at },
          decidedBy: { S: by },
          expiresAt: { N: String(verdict.expiresAt + MARKER_GRACE_SECONDS) },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionalCheckFailed(error))
      return htmlPage(
        409,
        'Already decided',
        `A decision was already taken with this approval request.${await previousDecision(deps, pk)}`,
      );
    throw error;
  }

  const approved = verdict.decision === 'approve';
  const output: ApprovalOutput = { approved, by, at };
  // Leave to roll back is issued here, to the workflow waiting on this token, for the event the link was signed for.
  if (approved && verdict.rollbackOf !== undefined)
    output.rollbackApproval = signRollbackApproval(
      {
        eventId: verdict.rollbackOf,
        approvedBy: by,
        approvedAt: at,
        expiresAt: Math.floor(now.getTime() / 1000) + ROLLBACK_APPROVAL_TTL_SECONDS,
      },
      key,
    );
  try {
    await deps.sfn.send(
      new SendTaskSuccessCommand({ taskToken: verdict.taskToken, output: JSON.stringify(output) }),
    );
  } catch (error) {
    const name = (error as Error).name;
    if (GONE_ERRORS.has(name))
      return htmlPage(
        410,
        'No longer waiting',
        `The workflow no longer waits for this decision (${name}): it timed out or already ended.`,
      );
    // A transient failure: release the marker so the same link can be used again.
    await deps.dynamo.send(new DeleteItemCommand({ TableName: deps.stateTable, Key: { pk: { S: pk } } }));
    throw error;
  }
  if (verdict.rollbackOf !== undefined)
    return approved
      ? htmlPage(
          200,
          'Rollback approved',
          'Thank you. The rollback runs now; you will receive an e-mail when it is done.',
        )
      : htmlPage(200, 'Rollback rejected', 'Thank you. Nothing is rolled back; the fix stays.');
  return verdict.decision === 'approve'
    ? htmlPage(
        200,
        'Approved',
        'Thank you. The fix is being applied; you will receive an e-mail when it is verified.',
      )
    : htmlPage(200, 'Rejected', 'Thank you. The fix will not be applied; the event is recorded as REJECTED.');
}

/**
 * Handles a request to the approval function URL. Opening a link (GET, or HEAD as link previews do) verifies it and
 * shows a confirmation page, changing nothing: mail scanners and previews that pre-fetch links decide nothing. Only
 * the POST of that page's form — the same signed, expiring fields — acts: verify the signature (constant time) and
 * the expiry, claim the once-only marker with a conditional PutItem (a replay gets 409), then SendTaskSuccess with
 * {approved, by, at}. A reject is also a SendTaskSuccess (approved: false) so the workflow records REJECTED with the
 * approver instead of failing.
 */
async function decideApproval(event: unknown, deps: ApprovalDeps): Promise<HttpResponse> {
  const parsed = FunctionUrlEventSchema.safeParse(event);
  if (!parsed.success) return htmlPage(400, 'Bad request', 'This is not a function URL request.');
  const { http } = parsed.data.requestContext;
  const method = http.method.toUpperCase();
  const reading = method === 'GET' || method === 'HEAD';
  if (!reading && method !== 'POST') return METHOD_NOT_ALLOWED();

  const fields = reading ? (parsed.data.queryStringParameters ?? {}) : formFields(parsed.data);
  const now = deps.clock.now();
  let key = await deps.signingKey();
  let verdict = verifyApprovalLink(fields, key, now);
  // A key id we do not hold may be the key rotated in after our cached read: read the key once more, then judge.
  if (!verdict.valid && verdict.reason === 'rotated') {
    key = await deps.signingKey({ refresh: true });
    verdict = verifyApprovalLink(fields, key, now);
  }
  if (!verdict.valid) return refusal(verdict);
  if (reading) {
    const response = await showConfirmation(fields, verdict, deps);
    return method === 'HEAD' ? { ...response, body: '' } : response;
  }
  const by = `approval confirmed from ${http.sourceIp ?? 'an unknown address'}`;
  return act(verdict, by, now, key, deps);
}

export type { ApprovalDecision, ApprovalDeps, ApprovalOutput, TaskTokenSender };
export { decideApproval };
