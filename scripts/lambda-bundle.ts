import { createRequire, isBuiltin } from 'node:module';
import { dirname } from 'node:path';
import type { Options } from 'tsup';

/**
 * The tsup options every Lambda package bundles with: ESM, `dist/index.js`, for the nodejs24.x arm64 runtime
 * (pure JavaScript, so the architecture is only a deploy setting), minified, source map beside the bundle (for
 * debugging or uploading elsewhere; scripts/zip-lambda.mjs leaves `*.map` out of the zip).
 *
 * Where the AWS SDK v3 comes from is a per-Lambda choice, measured with `pnpm bench:lambda`:
 * - `bundled` (default): the clients the Lambda uses are bundled and tree-shaken with the rest. One file to load
 *   parses faster than the runtime's SDK spread over hundreds of CommonJS files (module init CPU 130 vs 180 ms for
 *   the ingest Lambda, same machine, interleaved runs), and the SDK version deployed is the one the tests ran. The
 *   zip stays small (100–300 KB) once the source map is out of it.
 * - `runtime`: the service clients (`@aws-sdk/client-*`) and the DynamoDB document helpers are left to the nodejs24.x
 *   runtime, which ships them (importable from ES modules since nodejs18.x); other SDK packages are still bundled
 *   because the runtime does not ship every `@aws-sdk/*` or `@smithy/*` one. For the Lambdas that may run any
 *   playbook (remediation, verification): with code splitting each playbook's chunk imports its one client on first
 *   use, and bundling all twelve clients would make the zip larger than the 400 KB budget. The clients they build at
 *   init (DynamoDB, STS) are bundled all the same (`bundledSdk`): module init CPU 145 → 87 ms (remediation) and
 *   112 → 77 ms (verification), interleaved runs on one machine.
 */
type AwsSdkSource = 'bundled' | 'runtime';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * Node built-ins are loaded with `require()` (the banner's), not with ESM `import`: importing a built-in from an ES
 * module makes Node build its ES module facade, which reads every export — and `node:http`'s `WebSocket`,
 * `CloseEvent` and `MessageEvent` getters load all of undici (≈ 35 ms CPU of module init, measured with
 * `pnpm bench:lambda`) although no Lambda uses them. `require('node:http')` reads none of them. The bundled code
 * sees the same module objects either way.
 */
const NODE_BUILTIN_NAMESPACE = 'node-builtin-by-require';
const nodeBuiltinsByRequire: EsbuildPlugin = {
  name: 'node-builtins-by-require',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/0-9]+$/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined;
      const specifier = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
      // The shim's own require() stays external: it becomes a call of the banner's require at run time.
      if (args.namespace === NODE_BUILTIN_NAMESPACE) return { path: specifier, external: true };
      return { path: specifier, namespace: NODE_BUILTIN_NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: NODE_BUILTIN_NAMESPACE }, (args) => ({
      contents: LOADED_ON_FIRST_USE.has(args.path)
        ? builtinLoadedOnFirstUse(args.path)
        : `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Built-ins that a bundled dependency imports at module level for a path no AISAWS Lambda takes, so they are loaded
 * when one of their exports is first read instead of at init: `node:stream/web`, imported by `@middy/core` for
 * `streamifyResponse` (response streaming, which no AISAWS Lambda uses).
 */
const LOADED_ON_FIRST_USE: ReadonlySet<string> = new Set(['node:stream/web']);

/**
 * A CommonJS module with one getter per export of the built-in (names read here, at build time, from the Node.js
 * that builds: the runtime's major version); the first read of any of them loads the built-in. esbuild's import
 * interop copies these getters without calling them.
 */
function builtinLoadedOnFirstUse(specifier: string): string {
  const names = Object.getOwnPropertyNames(createRequire(import.meta.url)(specifier)).filter(
    (name) => name !== 'default' && name !== '__esModule',
  );
  return [
    'let loaded;',
    `const load = () => (loaded ??= require(${JSON.stringify(specifier)}));`,
    `for (const name of ${JSON.stringify(names)})`,
    '  Object.defineProperty(module.exports, name, { enumerable: true, get: () => load()[name] });',
  ].join('\n');
}

/**
 * The SDK clients' default credential chain (`@aws-sdk/credential-provider-node`: environment, SSO, shared ini
 * files, credential process, web identity token file, ECS/EC2 metadata) is bundled as the environment provider
 * alone (`fromEnv` of `@aws-sdk/credential-provider-env`, the chain's first link). Lambda always gives a function its
 * role's credentials in `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, so on Lambda the chain never
 * gets past that link; the other links, and the STS/SSO/SSO-OIDC/Signin clients they carry
 * (`@aws-sdk/nested-clients`), were ≈ 100 KB of every bundle that V8 parsed at init and no invocation ran. Only the
 * bundle changes: tests and the CLI run the sources, with the full chain. A bundle run without those variables
 * fails its first AWS call with the SDK's own error, "Unable to find environment variable credentials."
 */
const CREDENTIALS_NAMESPACE = 'lambda-credentials-from-environment';
const credentialsFromEnvironment: EsbuildPlugin = {
  name: 'lambda-credentials-from-environment',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, async (args) => {
      if (args.pluginData === CREDENTIALS_NAMESPACE) return undefined;
      // Resolved from the real chain's folder, whose dependencies include @aws-sdk/credential-provider-env.
      const chain = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: CREDENTIALS_NAMESPACE,
      });
      if (chain.errors.length > 0) return { errors: chain.errors };
      return { path: chain.path, namespace: CREDENTIALS_NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: CREDENTIALS_NAMESPACE }, (args) => ({
      contents: "export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * The SDK's protocols load their event-stream support with a dynamic `import('@smithy/core/event-streams')`, on the
 * first operation with an event stream (S3 SelectObjectContent, Lambda InvokeWithResponseStream, Bedrock streams …).
 * Bundled without code splitting, that one dynamic import made esbuild wrap every `@smithy/core` module it reaches
 * (≈ 190 modules) in a lazy-init function, each compiled and called at init: ≈ 6 ms of module init CPU (ingest,
 * decision; interleaved). No AISAWS Lambda calls an event-stream operation, so that import resolves to a module whose
 * exports throw a clear error instead; the SDK's other code is unchanged.
 */
const EVENT_STREAMS_NAMESPACE = 'lambda-no-event-streams';
const EVENT_STREAMS_LEFT_OUT =
  'event streams are left out of AISAWS Lambda bundles (scripts/lambda-bundle.ts): no AISAWS Lambda calls an event-stream operation';
const noEventStreamsInLambdas: EsbuildPlugin = {
  name: 'lambda-no-event-streams',
  setup(build) {
    build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, namespace: EVENT_STREAMS_NAMESPACE } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: EVENT_STREAMS_NAMESPACE }, () => ({
      contents:
        `const unsupported = () => { throw new Error(${JSON.stringify(EVENT_STREAMS_LEFT_OUT)}); };\n` +
        'export { unsupported as EventStreamSerde, unsupported as eventStreamSerdeProvider };',
      loader: 'js',
    }));
  },
};

interface LambdaBundleChoices {
  readonly awsSdk?: AwsSdkSource;
  /** Chunks loaded on first use (`import()`), for Lambdas with parts that not every invocation needs. */
  readonly splitting?: boolean;
  /**
   * With `awsSdk: 'runtime'`: SDK packages bundled all the same, because the Lambda constructs them at init (its own
   * table, its role session). Bundled they initialise faster than the runtime's copy; the clients only a playbook
   * uses stay the runtime's and load with that playbook's chunk.
   */
  readonly bundledSdk?: readonly string[];
}

const RUNTIME_PROVIDED_SDK_NAMES = 'client-[a-z0-9-]+|lib-dynamodb|util-dynamodb';
const RUNTIME_PROVIDED_SDK = new RegExp(`^@aws-sdk\\/(${RUNTIME_PROVIDED_SDK_NAMES})$`);

/** The runtime-provided SDK packages left out of the bundle, but for the ones named in `bundled`. */
function runtimeSdkExternals(bundled: readonly string[]): Pick<Options, 'external' | 'noExternal'> {
  const escaped = bundled.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  const except = escaped.length > 0 ? `(?!(?:${escaped.join('|')})$)` : '';
  const external = `${except}@aws-sdk\\/(?:${RUNTIME_PROVIDED_SDK_NAMES})$`;
  return { external: [new RegExp(`^${external}`)], noExternal: [new RegExp(`^(?!${external})`)] };
}

function lambdaBundle({
  awsSdk = 'bundled',
  splitting = false,
  bundledSdk = [],
}: LambdaBundleChoices = {}): Options {
  return {
    entry: { index: 'src/handler.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node24',
    bundle: true,
    splitting,
    ...(awsSdk === 'runtime' ? runtimeSdkExternals(bundledSdk) : { noExternal: [/.*/] }),
    // tsup's own node-protocol plugin would take every `node:` import first and leave it an ESM import.
    removeNodeProtocol: false,
    esbuildPlugins: [nodeBuiltinsByRequire, credentialsFromEnvironment, noEventStreamsInLambdas],
    minify: true,
    sourcemap: true,
    clean: true,
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  };
}

export type { AwsSdkSource, LambdaBundleChoices };
export { EVENT_STREAMS_LEFT_OUT, lambdaBundle, RUNTIME_PROVIDED_SDK };
