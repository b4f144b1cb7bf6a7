/** One problem with the input, as zod reports it: the dotted path of the field and what is wrong with it. */
interface InputIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * The input is not a CloudTrail event AISAWS consumes. Thrown AFTER the input was quarantined, so the triage
 * workflow matches on the name (`InvalidEventError`), stops without retrying and loses nothing.
 */
class InvalidEventError extends Error {
  readonly reason: string;
  readonly issues: readonly InputIssue[];
  /** Where the quarantined copy is: `s3://bucket/key`. */
  readonly quarantinedAt: string;

  constructor(reason: string, issues: readonly InputIssue[], quarantinedAt: string) {
    super(`invalid event quarantined at ${quarantinedAt}: ${reason}`);
    this.name = 'InvalidEventError';
    this.reason = reason;
    this.issues = issues;
    this.quarantinedAt = quarantinedAt;
  }
}

/**
 * Ingest failed on a valid-looking input (a dependency down, a bug, the idempotency store unreachable …) and kept the
 * event itself on the quarantine queue with its credentials redacted, for the reconcile job to replay. Thrown AFTER
 * the message was sent, so the triage workflow matches on the name (`IngestFailedError`) and sends nothing more: the
 * delivered input, which may carry credentials, is never copied by the workflow.
 */
class IngestFailedError extends Error {
  /** The event's id when it has one (CloudTrail eventID or a finding's id@updatedAt). */
  readonly eventId: string | undefined;

  constructor(eventId: string | undefined, cause: unknown) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      `Ingest failed (${why.slice(0, 500)}); the event is kept on the quarantine queue, credentials redacted`,
      {
        cause,
      },
    );
    this.name = 'IngestFailedError';
    this.eventId = eventId;
  }
}

export type { InputIssue };
export { IngestFailedError, InvalidEventError };
