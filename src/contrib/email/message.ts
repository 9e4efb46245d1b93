/** What an app hands over to send: one message, plain text with an optional HTML alternative. */
import { EmailHeaderError } from '../../errors.js';

export interface EmailMessage {
  to: string[];
  subject: string;
  /** The plain-text body (always sent: some readers show nothing else). */
  text: string;
  /** The HTML alternative, if any. */
  html?: string;
  /** Default: DEFAULT_FROM_EMAIL. */
  from?: string;
  replyTo?: string;
}

const LINE_BREAK = /[\r\n]/;

/** Refuses a subject or address holding a line break (header injection), before anything is sent. */
export function checkHeaders(message: EmailMessage): void {
  if (LINE_BREAK.test(message.subject)) throw new EmailHeaderError('subject');
  for (const [field, values] of [
    ['recipient', message.to],
    ['sender', message.from ? [message.from] : []],
    ['reply-to', message.replyTo ? [message.replyTo] : []],
  ] as const) {
    if (values.some((value) => LINE_BREAK.test(value))) throw new EmailHeaderError(field);
  }
}
