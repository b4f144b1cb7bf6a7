import { defineConfig } from 'tsup';

// One self-contained ESM file for the nodejs24.x arm64 runtime (pure JS: the architecture is a deploy setting);
// the SDK is bundled so the version tested is the one deployed.
export default defineConfig({
  entry: { index: 'src/handler.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node24',
  bundle: true,
  // The SDK's lazy `import()`s (credential providers) would become extra chunks; keep one file for the zip.
  splitting: false,
  noExternal: [/.*/],
  minify: true,
  sourcemap: true,
  clean: true,
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
});
