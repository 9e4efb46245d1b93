// How Keen's server code is bundled, shared by the production build (scripts/build.mjs), the benchmark
// (bench/run.ts) and the topology test: ESM for Node 20, dependencies left in node_modules, TSX as preact.
export const nodeBundleOptions = Object.freeze({
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
});
