import { signApprovalLink } from '@aisaws/core/approval';
import type { Clock } from '@aisaws/core/ports';
import {
  type AlertOutboxMessage,
  type AlertRequest,
  type AlertResult,
  alertKeyOf,
  OUTBOX_MESSAGE_ID_PREFIX,
  SCHEMA_VERSION,
} from '@aisaws/core/schemas';
import { isThrottling, isTransient, snsStringAttributes } from '@aisaws/lambda-runtime';
import type { SecretProvider } from '@aisaws/lambda-runtime/secrets';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type ApprovalLinks, type RenderedAlert, renderAlert } from './render-alert.js';

interface ApprovalLinkSettings {
  /** The Approval Lambda's function URL. */
  readonly baseUrl: string;
  /** Returns the approval-link HMAC key (`cachedSecret` of the Secrets Manager secret in AWS). */
  readonly signingKey: SecretProvider;
}

/** Where an alert SNS could not take is kept for the reconcile job (an SQS queue). */
interface AlertOutboxSettings {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
}

interface SendAlertDeps {
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly clock: Clock;
  /** Needed for kind `approval-request`. */
  readonly approval?: ApprovalLinkSettings;
  /**
   * With an outbox, an alert SNS refuses (throttled, 5xx, timed out: after the SDK's own retries) is kept there and
   * the result says `delivery: 'queued'`; without one, the SNS error is thrown as before.
   */
  readonly outbox?: AlertOutboxSettings;
}

/** An approval request arrived without the task token to sign. */
class MissingTaskTokenError extends Error {
  override readonly name = 'MissingTaskTokenError';
  constructor() {
    super('AlertRequest.taskToken is required for kind approval-request');
  }
}

async function approvalLinksFor(
  request: AlertRequest,
  deps: SendAlertDeps,
): Promise<ApprovalLinks | undefined> {
  if (request.kind !== 'approval-request') return undefined;
  if (!request.taskToken) throw new MissingTaskTokenError();
  if (!deps.approval)
    throw new Error('sendAlert: approval link settings are required for kind approval-request');
  const key = await deps.approval.signingKey();
  const expiresAt =
    Math.floor(deps.clock.now().getTime() / 1000) + request.event.decision.approvalTimeoutSeconds;
  const link = (decision: 'approve' | 'reject') =>
    signApprovalLink({
      baseUrl: deps.approval?.baseUrl ?? '',
      taskToken: request.taskToken ?? '',
      decision,
      expiresAt,
      key,
    });
  return {
    approve: link('approve'),
    reject: link('reject'),
    expiresAt: new Date(expiresAt * 1000).toISOString(),
  };
}

/** SNS could not take the message now, but may later: throttled, a 5xx, or a request that timed out. */
const isSnsUnavailable = (error: unknown): boolean => isThrottling(error) || isTransient(error);

/** Keeps the rendered alert on the outbox queue; the reconcile job publishes it once SNS answers again. */
async function keepInOutbox(
  request: AlertRequest,
  rendered: RenderedAlert,
  publishError: unknown,
  deps: SendAlertDeps & { outbox: AlertOutboxSettings },
): Promise<AlertResult> {
  const alertKey = alertKeyOf({
    eventId: request.event.eventId,
    kind: request.kind,
    taskToken: request.taskToken,
  });
  const { name, message } = publishError as Error;
  const body: AlertOutboxMessage = {
    schemaVersion: SCHEMA_VERSION,
    type: 'alert-outbox',
    alertKey,
    eventId: request.event.eventId,
    kind: request.kind,
    topicArn: deps.topicArn,
    subject: rendered.subject,
    message: rendered.body,
    attributes: { ...rendered.attributes },
    queuedAt: deps.clock.now().toISOString(),
    publishError: `${name}: ${message}`.slice(0, 1000),
  };
  await deps.outbox.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.outbox.queueUrl,
      MessageBody: JSON.stringify(body),
      MessageAttributes: {
        type: { DataType: 'String', StringValue: 'alert-outbox' },
        alertKey: { DataType: 'String', StringValue: alertKey },
      },
    }),
  );
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId: request.event.eventId,
    kind: request.kind,
    messageId: `${OUTBOX_MESSAGE_ID_PREFIX}${alertKey}`,
    subject: rendered.subject,
    delivery: 'queued',
  };
}

/**
 * Renders the alert and publishes it to the topic with its filterable attributes. When SNS is unavailable (after the
 * SDK's retries) and an outbox is set, the alert is kept there instead and the result says `delivery: 'queued'`
 * (messageId `outbox:<alertKey>`); any other error (access denied, bad parameter, no outbox) is thrown.
 */
async function sendAlert(request: AlertRequest, deps: SendAlertDeps): Promise<AlertResult> {
  const approvalLinks = await approvalLinksFor(request, deps);
  const rendered = renderAlert(request, approvalLinks ? { approvalLinks } : {});
  let output: { MessageId?: string | undefined };
  try {
    output = await deps.sns.send(
      new PublishCommand({
        TopicArn: deps.topicArn,
        Subject: rendered.subject,
        Message: rendered.body,
        MessageAttributes: snsStringAttributes(rendered.attributes),
      }),
    );
  } catch (error) {
    const { outbox } = deps;
    if (outbox && isSnsUnavailable(error)) return keepInOutbox(request, rendered, error, { ...deps, outbox });
    throw error;
  }
  if (!output.MessageId) throw new Error(`SNS Publish to ${deps.topicArn} returned no MessageId`);
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId: request.event.eventId,
    kind: request.kind,
    messageId: output.MessageId,
    subject: rendered.subject,
    delivery: 'published',
  };
}

export type { AlertOutboxSettings, ApprovalLinkSettings, SendAlertDeps };
export { MissingTaskTokenError, sendAlert };
