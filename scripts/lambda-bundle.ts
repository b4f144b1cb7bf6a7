import type { Options } from 'tsup';

/**
 * The tsup options every Lambda package bundles with: one ESM file, `dist/index.js`, for the nodejs24.x arm64
 * runtime (pure JavaScript, so the architecture is only a deploy setting).
 *
 * - The AWS SDK v3 service clients (`@aws-sdk/client-*`) and the DynamoDB document helpers (`lib-dynamodb`,
 *   `util-dynamodb`) are left out: the Lambda Node.js runtime ships them (importable from ES modules since
 *   nodejs18.x), and bundling them made each zip 0.9–2.2 MB and their module init the slowest part of a cold start.
 *   Anything else of the SDK that our code would import directly is bundled, because the runtime does not ship
 *   every `@aws-sdk/*` or `@smithy/*` package. The price: the SDK version that runs is the runtime's, not the one
 *   the tests ran with (the commands we send are stable across v3).
 * - Everything else (our packages, zod, Powertools) is bundled and minified.
 * - The source map is written beside the bundle for debugging and uploading elsewhere; scripts/zip-lambda.mjs
 *   leaves `*.map` out of the zip.
 */
export const AWS_RUNTIME_PROVIDED = /^@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb|util-dynamodb)$/;

export function lambdaBundle(overrides: Options = {}): Options {
  return {
    entry: { index: 'src/handler.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node24',
    bundle: true,
    // Lazy `import()`s would become extra chunks; keep one file for the zip.
    splitting: false,
    external: [AWS_RUNTIME_PROVIDED],
    noExternal: [/^(?!@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb|util-dynamodb)$)/],
    minify: true,
    treeshake: true,
    sourcemap: true,
    clean: true,
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    ...overrides,
  };
}
