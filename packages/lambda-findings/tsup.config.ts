import { defineConfig } from 'tsup';
import { lambdaBundle } from '../../scripts/lambda-bundle.js';

// One ESM file for nodejs24.x on arm64, the AWS SDK clients it uses bundled (see scripts/lambda-bundle.ts).
export default defineConfig(lambdaBundle());
