/**
 * Builds the real web app on a test database, with its logs captured, for in-process HTTP tests
 * (Fastify's inject: no port is bound).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { UserRow } from '../../src/contrib/auth/schema.js';
import { insertUser, type NewUser } from '../../src/contrib/auth/users.js';
import type { StaticMode } from '../../src/contrib/staticfiles/static-urls.js';
import { createLogger } from '../../src/log.js';
import { loadSettings, type Settings } from '../../src/settings.js';
import type { Tracing } from '../../src/tracing/tracing.js';
import { buildApp } from '../../src/web/app.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import type { Stage } from '../../src/web/stage.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const TEST_SECRET_KEY = 'test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG';

/** Settings as production would have them, plus `env` overrides. */
export function testSettings(env: Record<string, string> = {}): Readonly<Settings> {
  return loadSettings({
    SECRET_KEY: TEST_SECRET_KEY,
    DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
    // Production's default is on; the admin tests log staff in with a password only. The two-factor
    // tests turn it on (test/auth/two-factor.test.ts).
    ADMIN_REQUIRE_2FA: 'false',
    ...env,
  });
}

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  settings: Readonly<Settings>;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  /** The raw log output, for "never logs X" assertions. */
  rawLogs(): string;
  createUser(input: Partial<NewUser> & { username: string }): Promise<UserRow>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  database?: TestDatabase;
  pipeline?: readonly Stage[];
  apps?: readonly KeenApp[];
  setupToken?: string | null;
  /**
   * Defaults to `sources`: plain static URLs and files from the app folders (then STATIC_ROOT), as in
   * DEBUG, so tests need no collectstatic. Static-file tests pass `manifest` for production behaviour.
   */
  staticMode?: StaticMode;
  /** Spans for requests and jobs (test/reliability/tracing.test.ts); the test shuts it down. */
  tracing?: Tracing;
}

/** A password that passes the validators. */
export const GOOD_PASSWORD = 'correct-Horse-battery-staple-42';

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  // Uploads and built files go to a folder of the test's own, never into the repository's ./media.
  const ownMediaRoot = options.env?.MEDIA_ROOT ? null : mkdtempSync(join(tmpdir(), 'keen-test-media-'));
  const settings = testSettings({
    LOG_LEVEL: 'debug',
    ...(ownMediaRoot ? { MEDIA_ROOT: ownMediaRoot } : {}),
    ...options.env,
  });
  const ownDatabase = !options.database;
  const database = options.database ?? (await createTestDatabase());
  let raw = '';
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      const text = chunk.toString();
      raw += text;
      for (const line of text.split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger(settings, sink);
  const app = await buildApp({
    settings,
    database,
    logger,
    pipeline: options.pipeline,
    apps: options.apps,
    setupToken: options.setupToken ?? null,
    staticMode: options.staticMode ?? 'sources',
    tracing: options.tracing ?? null,
  });
  return {
    app,
    database,
    settings,
    logs,
    rawLogs: () => raw,
    createUser: (input) => insertUser(database.db, { password: GOOD_PASSWORD, ...input }),
    async close() {
      // Thumbnails still being made in the background would write into a removed MEDIA_ROOT.
      await app.media?.thumbnails.settled();
      await app.close();
      if (ownDatabase) await database.close();
      if (ownMediaRoot) rmSync(ownMediaRoot, { recursive: true, force: true });
    },
  };
}
