/**
 * A request's session: a bag of JSON values with a key that only the server can resolve.
 * It tracks whether it was read (so responses vary on Cookie) and changed (so it is saved only then).
 */
import { randomBytes } from 'node:crypto';
import type { SessionData } from './schema.js';

/** 32 characters of base64url: 192 bits from the CSPRNG. */
export function newSessionKey(): string {
  return randomBytes(24).toString('base64url');
}

export class Session {
  #data: SessionData;
  #key: string | null;
  #userId: number | null;
  /** A key whose row must be deleted when this session is saved (after cycleKey or flush). */
  #retiredKeys: string[] = [];
  modified = false;
  accessed = false;

  constructor(key: string | null, data: SessionData = {}, userId: number | null = null) {
    this.#key = key;
    this.#data = { ...data };
    this.#userId = userId;
  }

  /** The key stored in the database; null until a new session is first saved. */
  get key(): string | null {
    return this.#key;
  }

  /** The user this session is logged in as (a column, so it loads with the session in one query). */
  get userId(): number | null {
    this.accessed = true;
    return this.#userId;
  }

  set userId(id: number | null) {
    this.#userId = id;
    this.accessed = true;
    this.modified = true;
  }

  get<T = unknown>(name: string): T | undefined {
    this.accessed = true;
    return this.#data[name] as T | undefined;
  }

  set(name: string, value: unknown): void {
    this.accessed = true;
    this.modified = true;
    this.#data[name] = value;
  }

  delete(name: string): void {
    this.accessed = true;
    if (name in this.#data) {
      delete this.#data[name];
      this.modified = true;
    }
  }

  /** True when there is nothing worth storing: the row and cookie get deleted. */
  get isEmpty(): boolean {
    return Object.keys(this.#data).length === 0 && this.#userId === null;
  }

  /** A copy of the stored values, for saving. */
  toJSON(): SessionData {
    return { ...this.#data };
  }

  /** Keeps the data under a new key (login): a key known before login is useless after it. */
  cycleKey(): void {
    if (this.#key) this.#retiredKeys.push(this.#key);
    this.#key = null;
    this.modified = true;
    this.accessed = true;
  }

  /** Drops all data and the key (logout). */
  flush(): void {
    this.#data = {};
    this.#userId = null;
    this.cycleKey();
  }

  /** Keys whose rows are to be deleted on save; emptied by the store. */
  takeRetiredKeys(): string[] {
    const keys = this.#retiredKeys;
    this.#retiredKeys = [];
    return keys;
  }

  /** Gives a new session its key on first save. */
  assignKey(key: string): void {
    this.#key = key;
  }
}
