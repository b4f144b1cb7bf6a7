import { defineConfig } from 'tsup';

/**
 * `aisaws` as one ESM file, dist/bin.js (shebang kept from src/bin.ts, made executable by tsup). The workspace
 * packages are bundled (they are TypeScript sources, "just-in-time"), and so is zod: loading its ~100 ES modules one
 * by one took 45 ms of every start, in the main thread and again in each scan worker. The other registry
 * dependencies listed in package.json (commander, cli-progress, the AWS SDK) stay external and are installed with the
 * package (commander and cli-progress are CommonJS, which an ESM bundle cannot `require` its built-ins from).
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
  noExternal: [/^@aisaws\//, /^zod(\/|$)/],
});
