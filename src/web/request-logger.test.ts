import { Writable } from 'node:stream';
import Fastify, { LogController } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log.js';
import { LazyRequestLogger, lazyChildLoggerFactory } from './request-logger.js';

function capture(logLevel: 'info' | 'warn' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger({ logLevel, logPretty: false }, sink), lines };
}

describe('the lazy request logger', () => {
  it('makes no child until a line at an enabled level is written, then writes it with the bindings', () => {
    const { log, lines } = capture('warn');
    const child = vi.spyOn(log, 'child');
    const lazy = new LazyRequestLogger(log, { reqId: 'r-1' }, {});
    lazy.info({ path: '/a' }, 'dropped');
    lazy.debug('dropped too');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);

    lazy.warn({ path: '/b', password: 'hunter2' }, 'kept');
    lazy.error('again');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toMatchObject([
      { level: 40, reqId: 'r-1', path: '/b', msg: 'kept' },
      { level: 50, reqId: 'r-1', msg: 'again' },
    ]);
    // Redaction still applies: the child is an ordinary pino child.
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it('follows a level given for the route, and a level set later', () => {
    const { log, lines } = capture('info');
    const quiet = new LazyRequestLogger(log, { reqId: 'r-2' }, { level: 'error' });
    expect(quiet.level).toBe('error');
    expect(quiet.isLevelEnabled('warn')).toBe(false);
    quiet.warn('not written');
    quiet.error('written');
    const loud = new LazyRequestLogger(log, { reqId: 'r-3' }, {});
    loud.level = 'debug';
    loud.debug('written at debug');
    expect(lines.map((line) => [line.reqId, line.msg])).toEqual([
      ['r-2', 'written'],
      ['r-3', 'written at debug'],
    ]);
    expect(log.level).toBe('info');
  });

  it('is what Fastify hands a route as request.log', async () => {
    const { log, lines } = capture('info');
    const app = Fastify({
      loggerInstance: log,
      childLoggerFactory: lazyChildLoggerFactory,
      logController: new LogController({ disableRequestLogging: true }),
    });
    app.get('/', async (request) => {
      request.log.info({ from: 'view' }, 'hello');
      return { lazy: request.log instanceof LazyRequestLogger };
    });
    const response = await app.inject({ url: '/' });
    await app.close();
    expect(response.json()).toEqual({ lazy: true });
    expect(lines).toMatchObject([{ from: 'view', msg: 'hello', reqId: expect.any(String) }]);
  });
});
