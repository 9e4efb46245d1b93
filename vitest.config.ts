import { defineConfig } from 'vitest/config';

// Tests that measure timing under load (worker replacement within 1 s, zero failed requests during
// reloads) run after everything else, one file at a time, so other suites do not steal their CPU; the
// 1,000,000-row admin test joins them because its seeding would steal CPU from everyone else.
const TIMING_SENSITIVE = [
  'test/reliability/app-server.test.ts',
  'test/topology/**/*.test.ts',
  'test/admin/changelist-million.test.ts',
  // Docker builds take both cores for minutes.
  'test/docker/**/*.test.ts',
  // testssl.sh runs openssl hundreds of times: about three minutes alone here, over five beside the browser tests.
  'test/deploy/tls-grade.test.ts',
];

const shared = {
  pool: 'forks' as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'main',
          include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
          exclude: ['**/node_modules/**', ...TIMING_SENSITIVE],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'timing',
          include: TIMING_SENSITIVE,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
