import { defineConfig } from 'tsup';
import { lambdaBundle } from '../../scripts/lambda-bundle.js';

// ESM for nodejs24.x on arm64, the AWS SDK clients it uses bundled (see scripts/lambda-bundle.ts). Split into chunks:
// the CloudTrail event-history lookup (and its CloudTrail and STS clients) loads only when a run first recovers an
// event Ingest failed on, not at cold start.
export default defineConfig(lambdaBundle({ splitting: true }));
