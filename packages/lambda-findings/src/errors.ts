/**
 * Security Hub answered but did not take the finding: BatchImportFindings listed it in `FailedFindings`, or
 * BatchUpdateFindings in `UnprocessedFindings` (both answer HTTP 200). The workflow retries this name with backoff;
 * after the last attempt it keeps the request on the quarantine queue and the remediation goes on.
 */
class FindingNotImportedError extends Error {
  override readonly name = 'FindingNotImportedError';
  constructor(
    message: string,
    readonly errorCode: string,
  ) {
    super(message);
  }
}

export { FindingNotImportedError };
