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
