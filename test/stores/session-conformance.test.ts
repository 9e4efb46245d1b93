// Issue 15, part 1: one suite, every session store. What the sessions stage, the sessions page and
// "log out everywhere" rely on must hold on the database and on Redis alike.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type UserRow, users } from '../../src/contrib/auth/schema.js';
import { insertUser } from '../../src/contrib/auth/users.js';
import { Session } from '../../src/contrib/sessions/session.js';
import { openSessionStore, type SessionStore } from '../../src/contrib/sessions/store.js';
import { ENGINE } from '../support/database.js';
import { BACKENDS, type BackendFixture, openBackend } from './store-backends.js';

const CLIENT = { userAgent: 'Firefox/140', ip: '10.0.0.1' };
const HOUR = 3600;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(BACKENDS)(`session store: %s (${ENGINE})`, (backend) => {
  let fixture: BackendFixture;
  let store: SessionStore;
  let alice: UserRow;
  let bob: UserRow;

  beforeAll(async () => {
    fixture = await openBackend(backend);
    store = openSessionStore({ sessionStore: backend }, fixture.database.db, fixture.redis);
    alice = await insertUser(fixture.database.db, { username: 'alice', password: '!' });
    bob = await insertUser(fixture.database.db, { username: 'bob', password: '!' });
  });
  afterAll(() => fixture.close());

  /** A saved session holding `values`, logged in as `user` when given. */
  async function saved(values: Record<string, unknown>, user?: UserRow, maxAge = HOUR): Promise<Session> {
    const session = new Session(null);
    for (const [name, value] of Object.entries(values)) session.set(name, value);
    if (user) session.userId = user.id;
    expect(await store.save(session, maxAge, CLIENT)).toBe(true);
    expect(session.key).toMatch(/^[\w-]{32}$/);
    return session;
  }

  it('is the kind it was asked for', () => {
    expect(store.kind).toBe(backend);
  });

  it('saves a new session under a fresh key and loads it back with its user', async () => {
    const session = await saved({ cart: [1, 2], name: 'Ёлка' }, alice);
    const loaded = await store.load(session.key as string);
    expect(loaded?.data).toEqual({ cart: [1, 2], name: 'Ёлка' });
    expect(loaded?.userId).toBe(alice.id);
    expect(loaded?.user?.username).toBe('alice');
    expect(Math.abs((loaded?.lastSeen.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    const anonymous = await saved({ messages: ['hi'] });
    const loadedAnonymous = await store.load(anonymous.key as string);
    expect(loadedAnonymous).toMatchObject({ userId: null, user: null, data: { messages: ['hi'] } });
  });

  it('loads nothing for an unknown key', async () => {
    expect(await store.load('no-such-session-key-000000000000')).toBeNull();
  });

  it('updates an existing session, and never brings back one deleted meanwhile', async () => {
    const session = await saved({ step: 1 });
    const key = session.key as string;
    session.set('step', 2);
    expect(await store.save(session, HOUR, CLIENT)).toBe(true);
    expect((await store.load(key))?.data).toEqual({ step: 2 });
    await store.delete([key]);
    session.set('step', 3);
    expect(await store.save(session, HOUR, CLIENT)).toBe(false);
    expect(await store.load(key)).toBeNull();
  });

  it('expires a session at its age', async () => {
    const session = await saved({ brief: true }, undefined, 1);
    expect(await store.load(session.key as string)).not.toBeNull();
    await sleep(1300);
    expect(await store.load(session.key as string)).toBeNull();
  });

  it('cycles the key on login: the old key is gone, the data moves', async () => {
    const session = await saved({ basket: 'x' });
    const before = session.key as string;
    session.cycleKey();
    session.userId = bob.id;
    expect(await store.save(session, HOUR, CLIENT)).toBe(true);
    expect(session.key).not.toBe(before);
    expect(await store.load(before)).toBeNull();
    expect(await store.load(session.key as string)).toMatchObject({ userId: bob.id, data: { basket: 'x' } });
  });

  it('touches the last-seen time and address, and does not recreate a deleted session', async () => {
    const session = await saved({ a: 1 });
    const key = session.key as string;
    const first = (await store.load(key))?.lastSeen.getTime() ?? 0;
    await sleep(20);
    await store.touch(key, '10.0.0.99');
    expect((await store.load(key))?.lastSeen.getTime()).toBeGreaterThan(first);
    await store.delete([key]);
    await store.touch(key, '10.0.0.99');
    expect(await store.load(key)).toBeNull();
  });

  it("lists a user's sessions, most recent first, and ends all but one", async () => {
    const carol = await insertUser(fixture.database.db, { username: 'carol', password: '!' });
    const older = await saved({}, carol);
    await sleep(20);
    const newer = await saved({}, carol);
    await saved({}, alice);
    await store.touch(newer.key as string, '10.0.0.7');
    const listed = await store.listForUser(carol.id);
    expect(listed.map((row) => row.key)).toEqual([newer.key, older.key]);
    expect(listed[0]).toMatchObject({ userAgent: 'Firefox/140', ip: '10.0.0.7' });
    expect(listed[0]?.createdAt).toBeInstanceOf(Date);

    expect(await store.deleteForUser(carol.id, newer.key)).toBe(1);
    expect(await store.load(older.key as string)).toBeNull();
    expect(await store.load(newer.key as string)).not.toBeNull();
    expect(await store.deleteForUser(carol.id)).toBe(1);
    expect(await store.listForUser(carol.id)).toEqual([]);
    expect(await store.deleteForUser(carol.id)).toBe(0);
  });

  it('moves a session between users when its user changes', async () => {
    const dave = await insertUser(fixture.database.db, { username: 'dave', password: '!' });
    const erin = await insertUser(fixture.database.db, { username: 'erin', password: '!' });
    const session = await saved({}, dave);
    session.userId = erin.id;
    await store.save(session, HOUR, CLIENT);
    expect(await store.listForUser(dave.id)).toEqual([]);
    expect((await store.listForUser(erin.id)).map((row) => row.key)).toEqual([session.key]);
  });

  it('does not list or count an expired session', async () => {
    const frank = await insertUser(fixture.database.db, { username: 'frank', password: '!' });
    const before = await store.count();
    await saved({}, frank, 1);
    expect(await store.count()).toBe(before + 1);
    await sleep(1300);
    expect(await store.listForUser(frank.id)).toEqual([]);
    expect(await store.count()).toBe(before);
    await store.clearExpired();
    expect(await store.count()).toBe(before);
  });

  it('ends sessions concurrently with saves without resurrecting any', async () => {
    const gina = await insertUser(fixture.database.db, { username: 'gina', password: '!' });
    const sessions = await Promise.all(Array.from({ length: 10 }, () => saved({ n: 0 }, gina)));
    const writes = sessions.map((session) => {
      session.set('n', 1);
      return store.save(session, HOUR, CLIENT);
    });
    const [ended] = await Promise.all([store.deleteForUser(gina.id), ...writes]);
    expect(ended).toBeGreaterThan(0);
    // Whatever order they ran in, a session is either gone or saved: a second logout ends the rest.
    await store.deleteForUser(gina.id);
    for (const session of sessions) expect(await store.load(session.key as string)).toBeNull();
  });

  it('a deleted user no longer has a user on their sessions', async () => {
    const hal = await insertUser(fixture.database.db, { username: 'hal', password: '!' });
    const session = await saved({}, hal);
    await fixture.database.db.delete(users).where(eq(users.id, hal.id));
    const loaded = await store.load(session.key as string);
    expect(loaded?.user ?? null).toBeNull();
  });
});
