#!/usr/bin/env node
// The keen command runs the production build (dist/); `npm run build` makes it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error(
    'keen: dist/ is missing; run `npm run build` first (or `npm run keen -- <command>` in development).',
  );
  process.exit(1);
}
await import(entry.href);
