/**
 * Where messages go (Django's EMAIL_BACKEND): `smtp` through nodemailer, `console` printed to stdout
 * (DEBUG's default, so a developer sees the password-reset link), `none` dropped (production without
 * EMAIL_HOST; `keen check --deploy` warns).
 */
import type { Writable } from 'node:stream';
import type { Transporter } from 'nodemailer';
import { EmailError } from '../../errors.js';
import type { EmailSettings } from '../../settings/email.js';
import type { EmailMessage } from './message.js';

export interface EmailSender {
  readonly kind: EmailSettings['backend'];
  /** Sends one message (its `from` already set); throws {@link EmailError} when it cannot. */
  send(message: EmailMessage & { from: string }): Promise<void>;
  close(): void;
}

/** One line, without credentials: the server's reply, or the network error. */
function describeFailure(error: unknown, settings: EmailSettings): string {
  const failure = error as { code?: string; response?: string; message?: string };
  let text = `${failure.code ? `${failure.code}: ` : ''}${failure.response ?? failure.message ?? String(error)}`;
  const password = settings.password?.reveal();
  if (password) text = text.split(password).join('[secret]');
  return `could not send email through ${settings.host}:${settings.port}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`;
}

function smtpSender(settings: EmailSettings): EmailSender {
  // nodemailer is loaded with the first message, not when a worker boots (it is a tenth of a second).
  let transport: Promise<Transporter> | null = null;
  const connect = () =>
    import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.useSsl,
        requireTLS: settings.useTls,
        ...(settings.user ? { auth: { user: settings.user, pass: settings.password?.reveal() ?? '' } } : {}),
        connectionTimeout: settings.timeoutSeconds * 1000,
        greetingTimeout: settings.timeoutSeconds * 1000,
        socketTimeout: settings.timeoutSeconds * 1000,
      }),
    );
  return {
    kind: 'smtp',
    async send(message) {
      transport ??= connect();
      try {
        await (await transport).sendMail({
          from: message.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
        });
      } catch (error) {
        throw new EmailError(describeFailure(error, settings));
      }
    },
    close: () => {
      void transport?.then((made) => made.close());
    },
  };
}

function consoleSender(out: Writable): EmailSender {
  return {
    kind: 'console',
    async send(message) {
      out.write(
        `-------- email (console backend) --------\nFrom: ${message.from}\nTo: ${message.to.join(', ')}\n` +
          `Subject: ${message.subject}\n\n${message.text}\n-----------------------------------------\n`,
      );
    },
    close() {},
  };
}

export function createEmailSender(settings: EmailSettings, out: Writable = process.stdout): EmailSender {
  if (settings.backend === 'smtp') return smtpSender(settings);
  if (settings.backend === 'console') return consoleSender(out);
  return { kind: 'none', async send() {}, close() {} };
}
