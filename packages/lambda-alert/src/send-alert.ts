import { signApprovalLink } from '@aisaws/core/approval';
import type { Clock } from '@aisaws/core/ports';
import { type AlertRequest, type AlertResult, SCHEMA_VERSION } from '@aisaws/core/schemas';
import type { SecretProvider } from '@aisaws/lambda-runtime/secrets';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { type ApprovalLinks, renderAlert } from './render-alert.js';

interface ApprovalLinkSettings {
  /** The Approval Lambda's function URL. */
  readonly baseUrl: string;
  /** Returns the approval-link HMAC key (`cachedSecret` of the Secrets Manager secret in AWS). */
  readonly signingKey: SecretProvider;
}

interface SendAlertDeps {
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly clock: Clock;
  /** Needed for kind `approval-request`. */
  readonly approval?: ApprovalLinkSettings;
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

/** Renders the alert and publishes it to the topic with its filterable attributes. */
async function sendAlert(request: AlertRequest, deps: SendAlertDeps): Promise<AlertResult> {
  const approvalLinks = await approvalLinksFor(request, deps);
  const rendered = renderAlert(request, approvalLinks ? { approvalLinks } : {});
  const output = await deps.sns.send(
    new PublishCommand({
      TopicArn: deps.topicArn,
      Subject: rendered.subject,
      Message: rendered.body,
      MessageAttributes: Object.fromEntries(
        Object.entries(rendered.attributes).map(([name, value]) => [
          name,
          { DataType: 'String', StringValue: value },
        ]),
      ),
    }),
  );
  if (!output.MessageId) throw new Error(`SNS Publish to ${deps.topicArn} returned no MessageId`);
  return {
    schemaVersion: SCHEMA_VERSION,
    eventId: request.event.eventId,
    kind: request.kind,
    messageId: output.MessageId,
    subject: rendered.subject,
  };
}

export type { ApprovalLinkSettings, SendAlertDeps };
export { MissingTaskTokenError, sendAlert };
