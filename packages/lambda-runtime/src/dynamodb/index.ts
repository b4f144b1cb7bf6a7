// Two files so that a bundle using only the conditional-check test leaves `@aws-sdk/lib-dynamodb` out.
export { isConditionalCheckFailed } from './conditional-check.js';
export { createDocumentClient } from './document-client.js';
