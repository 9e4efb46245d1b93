/** One-shot messages ("Your password was changed."), kept in the session until shown once. */
import type { Session } from '../sessions/session.js';

export const MESSAGE_LEVELS = { debug: 10, info: 20, success: 25, warning: 30, error: 40 } as const;
export type MessageLevel = keyof typeof MESSAGE_LEVELS;

export interface Message {
  level: MessageLevel;
  text: string;
}

const SESSION_KEY = '_messages';
/** Like Django's default MESSAGE_LEVEL: debug messages are dropped. */
const MINIMUM_LEVEL = MESSAGE_LEVELS.info;

export class Messages {
  constructor(private readonly session: Session | null) {}

  add(level: MessageLevel, text: string): void {
    if (!this.session || MESSAGE_LEVELS[level] < MINIMUM_LEVEL) return;
    const queued = this.session.get<Message[]>(SESSION_KEY) ?? [];
    this.session.set(SESSION_KEY, [...queued, { level, text }]);
  }

  success(text: string): void {
    this.add('success', text);
  }

  error(text: string): void {
    this.add('error', text);
  }

  info(text: string): void {
    this.add('info', text);
  }

  warning(text: string): void {
    this.add('warning', text);
  }

  /** Returns the queued messages and forgets them (they are shown once). */
  consume(): Message[] {
    if (!this.session) return [];
    const queued = this.session.get<Message[]>(SESSION_KEY);
    if (!queued || queued.length === 0) return [];
    this.session.delete(SESSION_KEY);
    return queued;
  }
}
