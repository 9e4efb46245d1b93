/**
 * The Redis cache when Redis goes away: a redis-server of this test's own on a free port, killed and
 * started again on the same port. Every call during the outage fails as RedisUnavailableError (never a
 * miss or a write that "worked"), the outage is logged once, and the same cache works again after the
 * restart without being reopened.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { KeenCache } from '../../src/contrib/cache/cache.js';
import { RedisCache } from '../../src/contrib/cache/redis-cache.js';
import { RedisUnavailableError } from '../../src/errors.js';
import { Secret } from '../../src/settings/secret.js';
import { RedisConnection } from '../../src/stores/redis.js';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited with ${code}: ${output.slice(-300)}`)),
    );
  });
  return child;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the Redis cache while Redis is down', () => {
  const children: ChildProcess[] = [];
  let connection: RedisConnection | null = null;

  afterAll(async () => {
    await connection?.close();
    for (const child of children) child.kill('SIGKILL');
  });

  it('answers 503 during the outage, logs it once, and recovers by itself', async () => {
    const port = await freePort();
    children.push(await startRedis(port));
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    connection = await RedisConnection.open({
      url: new Secret(`redis://127.0.0.1:${port}/0`),
      keyPrefix: 'keen-down-test:',
      logger,
    });
    const cache = new KeenCache(new RedisCache(connection));
    await cache.set('page', { body: 'before' }, 60);
    expect(await cache.get('page')).toEqual({ body: 'before' });

    const first = children[0] as ChildProcess;
    first.kill('SIGKILL');
    await once(first, 'exit');
    await until(() => !connection?.isUp, 5000);

    const calls: Promise<unknown>[] = [
      cache.get('page'),
      cache.getMany(['page']),
      cache.set('page', 'lost', 60),
      cache.add('other', 1, 60),
      cache.delete('page'),
      cache.incr('counter', 1, 60),
      cache.getOrSet('produced', 60, async () => 'value'),
    ];
    for (const call of calls) {
      const error = await call.then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as RedisUnavailableError).statusCode).toBe(503);
    }
    // ioredis keeps trying to reconnect meanwhile; each failed attempt must not log again.
    await new Promise((resolve) => setTimeout(resolve, 700));
    await expect(cache.get('page')).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(lines.filter((line) => line.includes('redis is unreachable'))).toHaveLength(1);

    children.push(await startRedis(port));
    await until(() => connection?.isUp === true, 10_000);
    expect(await cache.get('page')).toBeUndefined(); // a new, empty Redis (--save '')
    await cache.set('page', { body: 'after' }, 60);
    expect(await cache.get('page')).toEqual({ body: 'after' });
    expect(await cache.incr('counter', 2, 60)).toBe(2);
    expect(lines.filter((line) => line.includes('redis is unreachable'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('redis is reachable again'))).toHaveLength(1);
  });
});
