/** The password-reset email, as plain text and HTML, in the language the request was made in. */
import { renderToString } from 'preact-render-to-string';
import type { EmailMessage } from '../../email/message.js';
import { authTranslator } from '../messages.js';

export interface ResetMailInput {
  to: string;
  username: string;
  link: string;
  site: string;
  language: string;
  timeoutSeconds: number;
}

export function resetMail(input: ResetMailInput): EmailMessage {
  const t = authTranslator(input.language);
  const days = Math.max(1, Math.round(input.timeoutSeconds / 86_400));
  const lines = [
    t('resetMail.greeting', { username: input.username }),
    t('resetMail.body', { site: input.site }),
    input.link,
    t('resetMail.expires', { days }),
    t('resetMail.ignore'),
    t('resetMail.username', { username: input.username }),
  ];
  const html = renderToString(
    <html lang={input.language}>
      <body style="font-family: sans-serif; line-height: 1.5; color: #1f2933">
        <p>{lines[0]}</p>
        <p>{lines[1]}</p>
        <p>
          <a
            href={input.link}
            style="display: inline-block; padding: 0.6em 1.2em; background: #2563eb; color: #fff; border-radius: 6px; text-decoration: none"
          >
            {t('resetMail.button')}
          </a>
        </p>
        <p style="font-size: 0.9em; word-break: break-all">{input.link}</p>
        <p>{lines[3]}</p>
        <p>{lines[4]}</p>
        <p style="color: #52606d">{lines[5]}</p>
      </body>
    </html>,
  );
  return {
    to: [input.to],
    subject: t('resetMail.subject', { site: input.site }),
    text: `${lines[0]}\n\n${lines[1]}\n\n${lines[2]}\n\n${lines[3]}\n${lines[4]}\n\n${lines[5]}\n`,
    html: `<!doctype html>${html}`,
  };
}
