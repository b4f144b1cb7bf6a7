import { defineConfig } from 'tsup';
import { lambdaBundle } from '../../scripts/lambda-bundle.js';

// ESM for nodejs24.x on arm64, the runtime's AWS SDK left out (see scripts/lambda-bundle.ts). Split into chunks:
// each playbook (and its one SDK client) loads on first use, not at cold start (@aisaws/playbooks/lazy).
export default defineConfig(lambdaBundle({ splitting: true }));
