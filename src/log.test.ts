import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';

describe('logger redaction', () => {
  it('never writes passwords, tokens, cookies or session ids', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        out += chunk.toString();
        done();
      },
    });
    const log = createLogger({ logLevel: 'info', logPretty: false }, sink);
    log.info({ password: 'hunter2-secret', body: { password: 'pw-in-body', _csrf: 'csrf-value' } }, 'form');
    log.info(
      { req: { headers: { cookie: 'sessionid=abc123.sig', authorization: 'Bearer tok-123' } } },
      'headers',
    );
    log.info(
      { headers: { 'set-cookie': 'sessionid=zzz' }, sessionKey: 'sk-999', token: 'setup-token-1' },
      'more',
    );
    for (const secret of [
      'hunter2-secret',
      'pw-in-body',
      'csrf-value',
      'abc123',
      'tok-123',
      'zzz',
      'sk-999',
      'setup-token-1',
    ]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
  });
});

describe('log line caps', () => {
  function capture() {
    let out = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        out += chunk.toString();
        done();
      },
    });
    return { log: createLogger({ logLevel: 'info', logPretty: false }, sink), text: () => out };
  }

  it('caps long strings in fields, nested fields, messages and errors', () => {
    const { log, text } = capture();
    const huge = 'x'.repeat(2_000_000);
    log.warn({ username: huge, nested: { path: huge, list: [huge] } }, huge);
    const error = new Error(huge);
    log.error({ err: error }, 'failed');
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.length).toBeLessThan(20_000);
    const first = JSON.parse(lines[0] as string);
    expect(first.username).toMatch(/…\[2000000 chars\]$/);
    expect(first.nested.path).toMatch(/…\[2000000 chars\]$/);
    expect(first.msg).toMatch(/…\[2000000 chars\]$/);
    expect(JSON.parse(lines[1] as string).err.message).toMatch(/…\[2000000 chars\]$/);
  });

  it('leaves ordinary lines as they are and still redacts', () => {
    const { log, text } = capture();
    log.info({ method: 'GET', path: '/blog/', status: 200, password: 'pw-1' }, 'request');
    const line = JSON.parse(text());
    expect(line).toMatchObject({ method: 'GET', path: '/blog/', status: 200, msg: 'request' });
    expect(text()).not.toContain('pw-1');
  });
});
