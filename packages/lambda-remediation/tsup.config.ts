import { defineConfig } from 'tsup';
import { lambdaBundle } from '../../scripts/lambda-bundle.js';

// ESM for nodejs24.x on arm64 with the runtime's AWS SDK clients, split into chunks: each playbook (and its one SDK
// client) loads on first use, not at cold start (@aisaws/playbooks/lazy; see scripts/lambda-bundle.ts). The clients
// built at init (DynamoDB for state and idempotency, STS for the member-account session) are bundled: faster init.
// One zip, two functions: `index.handler` is the Remediation Lambda (apply role), `rollback.handler` the rollback
// function (rollback role); they share the playbook chunks.
export default defineConfig({
  ...lambdaBundle({
    awsSdk: 'runtime',
    splitting: true,
    bundledSdk: [
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/lib-dynamodb',
      '@aws-sdk/util-dynamodb',
      '@aws-sdk/client-sts',
    ],
  }),
  entry: { index: 'src/handler.ts', rollback: 'src/rollback-handler.ts' },
});
