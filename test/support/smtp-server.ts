/**
 * A real SMTP server on loopback (the npm smtp-server package) for the email tests: it accepts mail
 * (optionally only after a login), parses every message with mailparser, and can refuse them.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtpServer {
  port: number;
  /** Every message received so far, parsed. */
  messages: ParsedMail[];
  /** When set, messages are refused with this reply (a 5xx). */
  refuseWith: string | null;
  /** Resolves when `count` messages have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpServer(
  options: { user?: string; password?: string } = {},
): Promise<TestSmtpServer> {
  const state = { messages: [] as ParsedMail[], refuseWith: null as string | null };
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to make; login allowed without TLS for the test.
    disabledCommands: options.user ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !options.user,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password)
        callback(null, { user: auth.username });
      else callback(new Error('535 authentication failed'));
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          if (state.refuseWith) return callback(new Error(state.refuseWith));
          state.messages.push(parsed);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const api: TestSmtpServer = {
    port,
    get messages() {
      return state.messages;
    },
    get refuseWith() {
      return state.refuseWith;
    },
    set refuseWith(value) {
      state.refuseWith = value;
    },
    async waitFor(count, timeoutMs = 15_000) {
      const started = Date.now();
      while (state.messages.length < count) {
        if (Date.now() - started > timeoutMs)
          throw new Error(`waited for ${count} message(s), got ${state.messages.length}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return state.messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return api;
}
