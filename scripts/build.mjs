// Production build: bundles src/ into dist/ with esbuild; node_modules stay external.
// Type checking is `npm run typecheck` (tsc), kept out of the build so it stays fast.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist/cli',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: true,
  splitting: true,
  logLevel: 'warning',
});
