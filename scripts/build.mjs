// Production build: bundles src/ into dist/ with esbuild; node_modules stay external.
// Type checking is `npm run typecheck` (tsc), kept out of the build so it stays fast.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { nodeBundleOptions } from './esbuild-options.mjs';

rmSync('dist', { recursive: true, force: true });
await build({
  ...nodeBundleOptions,
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist/cli',
  sourcemap: true,
  splitting: true,
});
