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

export type { InputIssue };
export { InvalidEventError };
