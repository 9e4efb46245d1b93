// Email through a real SMTP server on loopback: plain text and HTML parts arrive, the login is used,
// header injection is refused before anything is sent, a refusing or absent server is one line without
// the password, the console backend prints, jobs send with the queue running (and a rolled-back
// transaction sends nothing), and 500 errors reach ADMINS without secrets, rate-limited.
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailSender } from '../../src/contrib/email/backends.js';
import { ErrorMailLimiter, MAILS_PER_HOUR } from '../../src/contrib/email/error-mails.js';
import { sendEmail } from '../../src/contrib/email/send.js';
import { EmailError, EmailHeaderError, SettingsError } from '../../src/errors.js';
import { installedApps } from '../../src/installed-apps.js';
import type { KeenApp } from '../../src/web/keen-app.js';
import { createTestApp, type TestApp, testSettings } from '../support/app.js';
import { ENGINE } from '../support/database.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

const SMTP_PASSWORD = 'smtp-password-never-shown';

describe('email settings', () => {
  it('pick the backend from EMAIL_HOST and DEBUG, and refuse contradictions', () => {
    expect(testSettings({}).email.backend).toBe('none');
    expect(testSettings({ DEBUG: 'true' }).email.backend).toBe('console');
    expect(testSettings({ EMAIL_HOST: 'smtp.example.com' }).email).toMatchObject({
      backend: 'smtp',
      port: 587,
    });
    expect(testSettings({ EMAIL_HOST: 'smtp.example.com', EMAIL_USE_SSL: 'true' }).email.port).toBe(465);
    expect(() => testSettings({ EMAIL_USE_TLS: 'true', EMAIL_USE_SSL: 'true' })).toThrow(/EMAIL_USE_SSL/);
    expect(() => testSettings({ EMAIL_BACKEND: 'smtp' })).toThrow(SettingsError);
    expect(() => testSettings({ ADMINS: 'ops@example.com,not an address' })).toThrow(/ADMINS/);
    expect(testSettings({ ADMINS: 'Ops <ops@example.com>, dev@example.com' }).email.admins).toEqual([
      'Ops <ops@example.com>',
      'dev@example.com',
    ]);
    expect(String(testSettings({ EMAIL_HOST_PASSWORD: SMTP_PASSWORD }).email.password)).toBe('[secret]');
  });
});

describe('the SMTP and console backends', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer({ user: 'keen', password: SMTP_PASSWORD });
  });
  afterAll(() => smtp.close());

  const smtpSettings = (env: Record<string, string> = {}) =>
    testSettings({
      EMAIL_HOST: '127.0.0.1',
      EMAIL_PORT: String(smtp.port),
      EMAIL_HOST_USER: 'keen',
      EMAIL_HOST_PASSWORD: SMTP_PASSWORD,
      EMAIL_TIMEOUT: '3',
      ...env,
    }).email;

  it('delivers text and HTML parts with a login', async () => {
    const sender = createEmailSender(smtpSettings());
    await sender.send({
      from: 'Keen <noreply@example.com>',
      to: ['anna@example.com'],
      subject: 'Сброс пароля',
      text: 'Текст письма',
      html: '<p>Текст <b>письма</b></p>',
    });
    sender.close();
    const [message] = await smtp.waitFor(1);
    expect(message?.subject).toBe('Сброс пароля');
    expect(message?.from?.value).toEqual([{ name: 'Keen', address: 'noreply@example.com' }]);
    expect(message?.text?.trim()).toBe('Текст письма');
    expect(message?.html).toContain('<b>письма</b>');
  });

  it('a refused message or a wrong login is one line without the password', async () => {
    const wrongLogin = createEmailSender(smtpSettings({ EMAIL_HOST_PASSWORD: 'wrong' }));
    const refusal = await wrongLogin
      .send({ from: 'a@example.com', to: ['b@example.com'], subject: 's', text: 't' })
      .catch((error: unknown) => error);
    wrongLogin.close();
    expect(refusal).toBeInstanceOf(EmailError);
    expect((refusal as Error).message).not.toContain('\n');
    expect((refusal as Error).message).toMatch(/^could not send email through 127\.0\.0\.1:\d+: /);

    smtp.refuseWith = '550 mailbox unavailable';
    const sender = createEmailSender(smtpSettings());
    const refused = await sender
      .send({ from: 'a@example.com', to: ['b@example.com'], subject: 's', text: 't' })
      .catch((error: unknown) => error);
    sender.close();
    smtp.refuseWith = null;
    expect((refused as Error).message).toContain('mailbox unavailable');
    expect((refused as Error).message).not.toContain(SMTP_PASSWORD);
  });

  it('a server that is not there fails within EMAIL_TIMEOUT', async () => {
    const sender = createEmailSender(smtpSettings({ EMAIL_PORT: '1' }));
    const started = Date.now();
    const error = await sender
      .send({ from: 'a@example.com', to: ['b@example.com'], subject: 's', text: 't' })
      .catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(EmailError);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('the console backend prints the message', async () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        out += chunk.toString();
        done();
      },
    });
    const sender = createEmailSender(testSettings({ DEBUG: 'true' }).email, sink);
    await sender.send({ from: 'a@example.com', to: ['b@example.com'], subject: 'Hello', text: 'Body line' });
    expect(out).toContain('Subject: Hello');
    expect(out).toContain('Body line');
  });
});

describe(`sending from the app (${ENGINE})`, () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  const failing: KeenApp = {
    name: 'boom',
    routes(app) {
      app.get('/boom/:token/', async () => {
        throw new Error('the database fell over');
      });
    },
  };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({
      apps: [...installedApps, failing],
      env: {
        EMAIL_HOST: '127.0.0.1',
        EMAIL_PORT: String(smtp.port),
        ADMINS: 'Ops <ops@example.com>',
        SERVER_EMAIL: 'errors@example.com',
        EMAIL_SUBJECT_PREFIX: '[coreofkeen] ',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('refuses a line break in a header before sending anything', async () => {
    const before = smtp.messages.length;
    await expect(
      sendEmail(t.app, { to: ['a@example.com'], subject: 'Hi\r\nBcc: victim@example.com', text: 'x' }),
    ).rejects.toBeInstanceOf(EmailHeaderError);
    await expect(
      sendEmail(t.app, { to: ['a@example.com\nBcc: victim@example.com'], subject: 'Hi', text: 'x' }),
    ).rejects.toBeInstanceOf(EmailHeaderError);
    expect(smtp.messages.length).toBe(before);
  });

  it('mails a 500 to ADMINS with the route, never the URL, cookies or secrets; then rate-limits it', async () => {
    const before = smtp.messages.length;
    const secretToken = 'reset-token-abcdef123456';
    const response = await t.app.inject({
      url: `/boom/${secretToken}/`,
      headers: { host: 'localhost', cookie: 'sessionid=cookie-value-never-mailed' },
    });
    expect(response.statusCode).toBe(500);
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail?.subject).toBe('[coreofkeen] Error (500) at GET /boom/:token/');
    expect(mail?.from?.text).toBe('errors@example.com');
    expect(mail?.to && 'text' in mail.to ? mail.to.text : '').toContain('ops@example.com');
    expect(mail?.text).toContain('the database fell over');
    expect(mail?.text).toContain(`Request id: ${response.headers['x-request-id'] ?? ''}`.trim());
    for (const secret of [secretToken, 'cookie-value-never-mailed', t.settings.secretKey.reveal()])
      expect(mail?.text).not.toContain(secret);
    // The same error again within 10 minutes: no second mail.
    await t.app.inject({ url: '/boom/other/', headers: { host: 'localhost' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.messages.length).toBe(before + 1);
  });

  it('the limiter: one mail per error per 10 minutes, and 10 an hour', () => {
    const limiter = new ErrorMailLimiter();
    const now = Date.UTC(2026, 11, 5);
    expect(limiter.allow('a', now)).toBe(true);
    expect(limiter.allow('a', now + 9 * 60_000)).toBe(false);
    expect(limiter.allow('a', now + 11 * 60_000)).toBe(true);
    let allowed = 2;
    for (let i = 0; i < 20; i++) if (limiter.allow(`e${i}`, now + 12 * 60_000)) allowed++;
    expect(allowed).toBe(MAILS_PER_HOUR);
    expect(limiter.allow('later', now + 61 * 60_000)).toBe(true);
  });

  it('with the queue running, a message is a job: sent once committed, never if rolled back', async () => {
    await t.app.jobs.start({ work: true, concurrency: 1, pollingIntervalSeconds: 0.5 });
    const before = smtp.messages.length;
    await t.database.db
      .transaction(async (tx) => {
        await sendEmail(t.app, { to: ['rolled@example.com'], subject: 'Rolled back', text: 'x' }, { tx });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await sendEmail(t.app, { to: ['kept@example.com'], subject: 'Committed', text: 'Привет' });
    const messages = await smtp.waitFor(before + 1);
    expect(messages[before]?.subject).toBe('Committed');
    expect(messages[before]?.from?.text).toBe('webmaster@localhost');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.messages.map((message) => message.subject)).not.toContain('Rolled back');
    const jobs = (await t.database.db.execute(
      sql`select state from pgboss.job where name = 'email.send'`,
    )) as unknown as { rows: { state: string }[] };
    expect(jobs.rows).toEqual([{ state: 'completed' }]);
  }, 30_000);
});
