import { signApprovalLink } from '@aisaws/core/approval';
import type { Clock } from '@aisaws/core/ports';
import {
  type AlertOutboxMessage,
  type AlertRequest,
  type AlertResult,
  type AnyAlertRequest,
  alertKeyOf,
  OUTBOX_MESSAGE_ID_PREFIX,
  type RollbackAlertRequest,
  SCHEMA_VERSION,
} from '@aisaws/core/schemas';
import { isThrottling, isTransient, snsStringAttributes } from '@aisaws/lambda-runtime';
import type { SecretProvider } from '@aisaws/lambda-runtime/secrets';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type ApprovalLinks, type RenderedAlert, renderAlert } from './render-alert.js';
import { type RollbackLinks, renderRollbackAlert, storedEventViewOf } from './render-rollback-alert.js';

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
  constructor(kind = 'approval-request') {
    super(`AlertRequest.taskToken is required for kind ${kind}`);
  }
}

/** A rollback offer arrived without the window its links must expire with. */
class MissingRollbackWindowError extends Error {
  override readonly name = 'MissingRollbackWindowError';
  constructor() {
    super('RollbackAlertRequest.windowSeconds is required for kind rollback-offer');
  }
}

/**
 * A pair of signed links (act / decline) that answer one task token, both expiring `lifetimeSeconds` from now; a
 * rollback offer's links also name the event they roll back (covered by the signature).
 */
async function signedLinkPair(
  deps: SendAlertDeps,
  link: { kind: string; taskToken: string; lifetimeSeconds: number; rollbackOf?: string },
): Promise<ApprovalLinks> {
  if (!deps.approval) throw new Error(`sendAlert: approval link settings are required for kind ${link.kind}`);
  const { baseUrl, signingKey } = deps.approval;
  const key = await signingKey();
  const expiresAt = Math.floor(deps.clock.now().getTime() / 1000) + link.lifetimeSeconds;
  const sign = (decision: 'approve' | 'reject') =>
    signApprovalLink({
      baseUrl,
      taskToken: link.taskToken,
      decision,
      expiresAt,
      key,
      ...(link.rollbackOf === undefined ? {} : { rollbackOf: link.rollbackOf }),
    });
  return {
    approve: sign('approve'),
    reject: sign('reject'),
    expiresAt: new Date(expiresAt * 1000).toISOString(),
  };
}

async function approvalLinksFor(
  request: AlertRequest,
  deps: SendAlertDeps,
): Promise<ApprovalLinks | undefined> {
  if (request.kind !== 'approval-request') return undefined;
  if (!request.taskToken) throw new MissingTaskTokenError();
  return signedLinkPair(deps, {
    kind: request.kind,
    taskToken: request.taskToken,
    lifetimeSeconds: request.event.decision.approvalTimeoutSeconds,
  });
}

/** SNS could not take the message now, but may later: throttled, a 5xx, or a request that timed out. */
const isSnsUnavailable = (error: unknown): boolean => isThrottling(error) || isTransient(error);

/** What identifies one alert: its alert key (sha-256 of eventId, kind and task token) is derived from it. */
interface AlertIdentity {
  readonly eventId: string;
  readonly kind: AnyAlertRequest['kind'];
  readonly taskToken?: string | undefined;
}

/** Keeps the rendered alert on the outbox queue; the reconcile job publishes it once SNS answers again. */
async function keepInOutbox(
  identity: AlertIdentity,
  rendered: RenderedAlert,
  publishError: unknown,
  deps: SendAlertDeps & { outbox: AlertOutboxSettings },
): Promise<AlertResult> {
  const alertKey = alertKeyOf(identity);
  const { name, message } = publishError as Error;
  const body: AlertOutboxMessage = {
    schemaVersion: SCHEMA_VERSION,
    type: 'alert-outbox',
    alertKey,
    eventId: identity.eventId,
    kind: identity.kind,
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
    eventId: identity.eventId,
    kind: identity.kind,
    messageId: `${OUTBOX_MESSAGE_ID_PREFIX}${alertKey}`,
    subject: rendered.subject,
    delivery: 'queued',
  };
}

/** Publishes a rendered alert; SNS unavailable and an outbox set → kept there (`delivery: 'queued'`). */
async function publish(
  identity: AlertIdentity,
  rendered: RenderedAlert,
  deps: SendAlertDeps,
): Promise<AlertResult> {
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
    if (outbox && isSnsUnavailable(error))
      return keepInOutbox(identity, rendered, error, { ...deps, outbox });
    throw error;
  }
  if (!output.MessageId) throw new Error(`SNS Publish to ${deps.topicArn} returned no MessageId`);
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId: identity.eventId,
    kind: identity.kind,
    messageId: output.MessageId,
    subject: rendered.subject,
    delivery: 'published',
  };
}

/** The signed roll-back / keep-the-fix links of a rollback offer, expiring with the rollback window. */
async function rollbackLinksFor(
  request: RollbackAlertRequest,
  deps: SendAlertDeps,
): Promise<RollbackLinks | undefined> {
  if (request.kind !== 'rollback-offer') return undefined;
  if (!request.taskToken) throw new MissingTaskTokenError(request.kind);
  if (!request.windowSeconds) throw new MissingRollbackWindowError();
  return signedLinkPair(deps, {
    kind: request.kind,
    taskToken: request.taskToken,
    lifetimeSeconds: request.windowSeconds,
    rollbackOf: request.eventId,
  });
}

/** A rollback workflow alert: rendered from the stored events item the request carries, then published. */
async function sendRollbackAlert(request: RollbackAlertRequest, deps: SendAlertDeps): Promise<AlertResult> {
  const view = storedEventViewOf(request);
  const links = await rollbackLinksFor(request, deps);
  return publish(request, renderRollbackAlert(request, view, links), deps);
}

/**
 * Renders the alert and publishes it to the topic with its filterable attributes. When SNS is unavailable (after the
 * SDK's retries) and an outbox is set, the alert is kept there instead and the result says `delivery: 'queued'`
 * (messageId `outbox:<alertKey>`); any other error (access denied, bad parameter, no outbox) is thrown.
 */
async function sendAlert(request: AnyAlertRequest, deps: SendAlertDeps): Promise<AlertResult> {
  if (!('event' in request)) return sendRollbackAlert(request, deps);
  const approvalLinks = await approvalLinksFor(request, deps);
  const rendered = renderAlert(request, approvalLinks ? { approvalLinks } : {});
  return publish(
    { eventId: request.event.eventId, kind: request.kind, taskToken: request.taskToken },
    rendered,
    deps,
  );
}

export type { AlertOutboxSettings, ApprovalLinkSettings, SendAlertDeps };
export { MissingRollbackWindowError, MissingTaskTokenError, sendAlert };
