/**
 * True when a conditional write was refused because its condition did not hold (the SDK error's name). Kept apart
 * from the document client so a Lambda that only needs this check does not bundle `@aws-sdk/lib-dynamodb`.
 */
function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export { isConditionalCheckFailed };
