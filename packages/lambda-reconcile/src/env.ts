import { PositiveIntEnvSchema, parseEnv, RequiredEnvSchema } from '@aisaws/lambda-runtime';
import '@aisaws/core/zod-english';
import * as z from 'zod/mini';

const QueueUrlSchema = z.url('must be an SQS queue URL');

/** The Reconcile Lambda's environment, parsed once at cold start. */
const ReconcileEnvSchema = z
  .object({
    /** The triage state machine: where replayed events are started. */
    TRIAGE_STATE_MACHINE_ARN: RequiredEnvSchema.check(z.startsWith('arn:', 'must be a state machine ARN')),
    /** The security account's default bus (what the member forwarding rules target). */
    SECURITY_BUS_ARN: RequiredEnvSchema.check(z.startsWith('arn:', 'must be an event bus ARN')),
    /** The alert topic: outbox alerts are published there, and so is the report of parked messages. */
    ALERT_TOPIC_ARN: RequiredEnvSchema.check(z.startsWith('arn:', 'must be an SNS topic ARN')),
    /**
     * The Findings Lambda (its `live` alias ARN): findings Security Hub refused are published again through
     * it. Optional: without it they are parked for a person.
     */
    FINDINGS_FUNCTION_ARN: z.optional(
      RequiredEnvSchema.check(
        z.regex(
          /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9_$-]+)?$/,
          'must be a Lambda function ARN (optionally with its alias)',
        ),
      ),
    ),
    /**
     * The member role that may only look events up in CloudTrail event history (`aisaws-<env>-member-event-reader`):
     * an event Ingest failed on without keeping it is recovered from there. Optional: without it such an event is parked
     * for a person. Needs OWN_ACCOUNT_ID and MEMBER_ROLE_EXTERNAL_ID.
     */
    EVENT_READER_ROLE_NAME: z.optional(RequiredEnvSchema),
    /** The account this Lambda runs in: its own events are looked up with its own role. */
    OWN_ACCOUNT_ID: z.optional(
      RequiredEnvSchema.check(
        z.regex(/^\d{12}$/, 'must be the 12-digit id of the account this Lambda runs in'),
      ),
    ),
    /** The ExternalId the member roles require. */
    MEMBER_ROLE_EXTERNAL_ID: z.optional(
      RequiredEnvSchema.check(z.minLength(2, 'must be the ExternalId the member role requires')),
    ),
    /** State table: replay counters and sent-alert markers. */
    STATE_TABLE_NAME: RequiredEnvSchema,
    /** Where messages the job gives up on are kept for a person. */
    PARKED_QUEUE_URL: QueueUrlSchema,
    /** EventBridge dead letters of the security account's rules (optional). */
    EVENTS_DLQ_URL: z.optional(QueueUrlSchema),
    /** Triage failures after retries (optional). */
    QUARANTINE_QUEUE_URL: z.optional(QueueUrlSchema),
    /** Alerts SNS refused (optional). */
    ALERT_OUTBOX_QUEUE_URL: z.optional(QueueUrlSchema),
    /** The member accounts' forwarding DLQs, comma-separated (their queue policies let this Lambda's role read). */
    MEMBER_FORWARD_DLQ_URLS: z.pipe(
      z.pipe(
        z._default(z.string(), ''),
        z.transform((list: string) =>
          list
            .split(',')
            .map((url) => url.trim())
            .filter((url) => url.length > 0),
        ),
      ),
      z.array(QueueUrlSchema),
    ),
    /** Receives of one DLQ message after which it is parked. */
    MAX_RECEIVES: z._default(PositiveIntEnvSchema, 5),
    /** Receives of one outbox alert after which it is parked (96 × 15 min: a day of SNS outage). */
    OUTBOX_MAX_RECEIVES: z._default(PositiveIntEnvSchema, 96),
    /** Replays of one event after which it is parked. */
    MAX_REPLAYS_PER_EVENT: z._default(PositiveIntEnvSchema, 3),
    /** Messages read from each queue per run at most. */
    MAX_MESSAGES_PER_QUEUE: z._default(PositiveIntEnvSchema, 100),
    /** Visibility timeout of a received message, seconds (longer than the Lambda's timeout). */
    VISIBILITY_TIMEOUT_SECONDS: z._default(PositiveIntEnvSchema.check(z.lte(43_200)), 360),
  })
  .check(
    z.superRefine((env, ctx) => {
      if (env.EVENT_READER_ROLE_NAME === undefined) return;
      for (const name of ['OWN_ACCOUNT_ID', 'MEMBER_ROLE_EXTERNAL_ID'] as const)
        if (env[name] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: 'is required when EVENT_READER_ROLE_NAME is set',
          });
    }),
  );

type ReconcileEnv = z.infer<typeof ReconcileEnvSchema>;

/** Parses the environment; throws ConfigurationError naming every missing or bad variable. */
const parseReconcileEnv = (env: Record<string, string | undefined>): ReconcileEnv =>
  parseEnv(ReconcileEnvSchema, env, 'Reconcile Lambda');

export type { ReconcileEnv };
export { parseReconcileEnv, ReconcileEnvSchema };
