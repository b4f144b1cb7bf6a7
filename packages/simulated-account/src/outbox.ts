import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import type { FaultInjector } from './faults.js';

/**
 * The simulated SNS topic of the demo: there is no SNS emulator here, so a `Publish` to the alert topic becomes an
 * e-mail message (RFC 5322, text/plain UTF-8) written as an `.eml` file to the outbox folder — what an e-mail
 * subscription of the topic would receive. Any mail client opens the files. With `faults`, Publish can fail as SNS
 * fails (down, throttled, 5xx, timeout), and nothing is written then.
 */

const PublishInputSchema = z.looseObject({
  TopicArn: z.string().min(1, 'TopicArn is required'),
  Message: z.string().min(1, 'Message is required'),
  Subject: z.string().max(100, 'Subject must be at most 100 characters').optional(),
  MessageAttributes: z
    .record(z.string(), z.looseObject({ DataType: z.string(), StringValue: z.string().optional() }))
    .optional(),
});

/** One delivered message, as the demo shows it. */
interface OutboxMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly sentAt: Date;
  /** Path of the `.eml` file. */
  readonly file: string;
}

interface OutboxOptions {
  readonly directory: string;
  readonly from?: string;
  readonly to?: string;
  readonly now?: () => Date;
  /** Called for each message once its file is written (the demo prints it as it arrives). */
  readonly onMessage?: (message: OutboxMessage) => void;
  /**
   * Fault switches (usually the simulated account's, `account.faults`): `snsDown` refuses every Publish with
   * `InternalErrorException` 500, and the random faults apply to the `sns` service like to any other.
   */
  readonly faults?: FaultInjector;
}

/** RFC 5322 date-time with a numeric zone: `Wed, 25 Nov 2026 04:20:00 +0000`. */
function rfc5322Date(at: Date): string {
  return at.toUTCString().replace(/GMT$/, '+0000');
}

/** RFC 2047 encoded-word for a header value that is not plain ASCII. */
function encodeHeader(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** The `.eml` text of one message: headers, a blank line, the body; CRLF line ends. */
function formatEmail(message: OutboxMessage, from: string, to: string): string {
  const headers = [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${encodeHeader(message.subject)}`,
    `Date: ${rfc5322Date(message.sentAt)}`,
    `Message-ID: <${message.messageId}@sns.simulated.aisaws.local>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    ...Object.entries(message.attributes).map(
      ([name, value]) => `X-SNS-Attribute-${name}: ${encodeHeader(value)}`,
    ),
  ];
  const body = message.body.replace(/\r?\n/g, '\r\n');
  return `${headers.join('\r\n')}\r\n\r\n${body}${body.endsWith('\r\n') ? '' : '\r\n'}`;
}

/** A simulated SNS client whose `Publish` writes an e-mail file; every other operation is refused. */
function createOutbox(options: OutboxOptions) {
  const from = options.from ?? 'AISAWS alerts <no-reply@sns.amazonaws.com>';
  const to = options.to ?? 'security-team@example.com';
  const now = options.now ?? (() => new Date());
  const messages: OutboxMessage[] = [];

  async function publish(input: unknown): Promise<{ MessageId: string }> {
    const parsed = PublishInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw Object.assign(new Error(`Publish: ${issue?.path.join('.')}: ${issue?.message}`), {
        name: 'InvalidParameterException',
      });
    }
    const messageId = randomUUID();
    const sentAt = now();
    const attributes = Object.fromEntries(
      Object.entries(parsed.data.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        value.StringValue ?? '',
      ]),
    );
    await mkdir(options.directory, { recursive: true });
    const file = join(
      options.directory,
      `${sentAt.toISOString().replace(/[:.]/g, '-')}-${messageId.slice(0, 8)}.eml`,
    );
    const message: OutboxMessage = {
      messageId,
      topicArn: parsed.data.TopicArn,
      subject: parsed.data.Subject ?? '(no subject)',
      body: parsed.data.Message,
      attributes,
      sentAt,
      file,
    };
    await writeFile(file, formatEmail(message, from, to), 'utf8');
    messages.push(message);
    options.onMessage?.(message);
    return { MessageId: messageId };
  }

  return {
    messages,
    /** The SDK-shaped client given to the Alert handler as its SNS client. */
    client: {
      async send(command: object): Promise<Record<string, unknown>> {
        const operation = command.constructor.name;
        if (operation !== 'PublishCommand')
          throw Object.assign(
            new Error(`the simulated SNS topic implements Publish only, not ${operation}`),
            {
              name: 'SimulatedOperationNotSupportedError',
            },
          );
        await options.faults?.beforeCall('sns', 'Publish');
        const output = await publish((command as { input?: unknown }).input);
        return { $metadata: { httpStatusCode: 200 }, ...output };
      },
      destroy(): void {},
    },
  };
}

type Outbox = ReturnType<typeof createOutbox>;

export type { Outbox, OutboxMessage, OutboxOptions };
export { createOutbox, formatEmail, rfc5322Date };
