import { type ApprovalDecision, approvalMarkerKey, verifyApprovalLink } from '@aisaws/core/approval';
import type { Clock } from '@aisaws/core/ports';
import { isConditionalCheckFailed } from '@aisaws/lambda-runtime/dynamodb';
import type { SecretProvider } from '@aisaws/lambda-runtime/ssm';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { FunctionUrlEventSchema, type HttpResponse, htmlPage } from './function-url-event.js';

/** The one SFN call this Lambda makes: an SFNClient, or the local workflow runner's simulation of it. */
interface TaskTokenSender {
  send(command: SendTaskSuccessCommand): Promise<unknown>;
}

interface ApprovalDeps {
  readonly sfn: TaskTokenSender;
  readonly dynamo: DynamoDBClient;
  /** The `state` table: holds the once-only `approval#<sha256(token)>` markers. */
  readonly stateTable: string;
  /** Returns the approval-link HMAC key (`cachedSecureParameter` of the SSM SecureString in AWS). */
  readonly signingKey: SecretProvider;
  readonly clock: Clock;
}

/** The output the remediation workflow's "Check Approval" Choice reads. */
interface ApprovalOutput {
  approved: boolean;
  by: string;
  at: string;
}

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

/**
 * Handles one click on an approve/reject link: verify the signature and expiry, claim the once-only marker with a
 * conditional PutItem, then SendTaskSuccess with {approved, by, at}. A reject is also a SendTaskSuccess (approved:
 * false) so the workflow records REJECTED with the approver instead of failing.
 */
async function decideApproval(event: unknown, deps: ApprovalDeps): Promise<HttpResponse> {
  const parsed = FunctionUrlEventSchema.safeParse(event);
  if (!parsed.success) return htmlPage(400, 'Bad request', 'This is not a function URL request.');
  const { http } = parsed.data.requestContext;
  if (http.method !== 'GET')
    return htmlPage(405, 'Method not allowed', 'Open the link from the e-mail (GET).');

  const now = deps.clock.now();
  const verdict = verifyApprovalLink(parsed.data.queryStringParameters ?? {}, await deps.signingKey(), now);
  if (!verdict.valid) {
    if (verdict.reason === 'malformed')
      return htmlPage(400, 'Malformed link', `The link is incomplete: ${verdict.message}.`);
    if (verdict.reason === 'expired')
      return htmlPage(
        403,
        'Link expired',
        `This approval link has expired: ${verdict.message}. Nothing was changed.`,
      );
    return htmlPage(
      403,
      'Link refused',
      'This link was altered or not signed by AISAWS (bad signature). Nothing was changed.',
    );
  }

  const pk = approvalMarkerKey(verdict.taskToken);
  const at = now.toISOString();
  const by = `approval link opened from ${http.sourceIp ?? 'an unknown address'}`;
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

  const output: ApprovalOutput = { approved: verdict.decision === 'approve', by, at };
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
  return verdict.decision === 'approve'
    ? htmlPage(
        200,
        'Approved',
        'Thank you. The fix is being applied; you will receive an e-mail when it is verified.',
      )
    : htmlPage(200, 'Rejected', 'Thank you. The fix will not be applied; the event is recorded as REJECTED.');
}

export type { ApprovalDecision, ApprovalDeps, ApprovalOutput, TaskTokenSender };
export { decideApproval };
