import { defineConfig } from 'tsup';
import { lambdaBundle } from '../../scripts/lambda-bundle.js';

// ESM for nodejs24.x on arm64 with the runtime's AWS SDK clients, split into chunks: each playbook (and its one SDK
// client) loads on first use, not at cold start (@aisaws/playbooks/lazy; see scripts/lambda-bundle.ts). STS, built at
// init for the member-account session, is bundled: faster init.
export default defineConfig(
  lambdaBundle({ awsSdk: 'runtime', splitting: true, bundledSdk: ['@aws-sdk/client-sts'] }),
);
