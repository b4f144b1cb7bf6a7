import { defineConfig } from 'tsup';

/**
 * `aisaws` as one ESM file, dist/bin.js (shebang kept from src/bin.ts, made executable by tsup). The workspace
 * packages are bundled (they are TypeScript sources, "just-in-time"), and so are the registry packages every start
 * loads (zod, commander, cli-progress): loading zod's ~100 ES modules one by one took 45 ms of every start, in the
 * main thread and again in each scan worker. The others listed in package.json stay external and are installed with
 * the package: the AWS SDK (loaded only for S3 and the demo) and the demo's CommonJS emulators that the testing
 * harness loads with `require` (dynalite, s3rver).
 */
export default defineConfig({
  // The scan's worker thread is an entry of its own: @aisaws/scan-engine's pool starts dist/scan-worker.js.
  entry: { bin: 'src/bin.ts', 'scan-worker': '../scan-engine/src/scan-worker.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node24',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  // Each command module is a chunk of its own, loaded when its command runs: `scan` starts without the sandbox.
  splitting: true,
  noExternal: [/^@aisaws\//, /^zod(\/|$)/, 'commander', 'cli-progress'],
  // Bundled CommonJS code (the demo's emulators' dependencies) calls `require` for Node built-ins: an ES module has
  // none, so each chunk makes one.
  banner: {
    js: "import { createRequire as __aisawsCreateRequire } from 'node:module'; const require = __aisawsCreateRequire(import.meta.url);",
  },
});
