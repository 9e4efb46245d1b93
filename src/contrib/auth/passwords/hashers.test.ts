import { pbkdf2Sync } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
  ARGON2_PARAMS,
  burnPasswordCheck,
  hashPassword,
  isUsablePassword,
  makeUnusablePassword,
  UNUSABLE_PASSWORD_PREFIX,
  verifyPassword,
} from './hashers.js';

// Built the way Django's PBKDF2PasswordHasher.encode() does it.
function djangoHash(password: string, salt: string, iterations: number): string {
  const derived = pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('base64');
  return `pbkdf2_sha256$${iterations}$${salt}$${derived}`;
}

// Computed independently with Python's hashlib:
// base64(hashlib.pbkdf2_hmac('sha256', b'correct horse battery', b'seasalt1234', 720000))
const PYTHON_DJANGO_HASH = 'pbkdf2_sha256$720000$seasalt1234$T0+dNwjB8PbwhlaFI+DALCXgOge4MuhbejqGQrKFt/U=';

describe('argon2id', () => {
  it('hashes to an argon2id PHC string with the current parameters and verifies it', async () => {
    const encoded = await hashPassword('a perfectly fine passphrase');
    expect(encoded.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    expect(ARGON2_PARAMS.memoryCost).toBe(19456);

    expect(await verifyPassword('a perfectly fine passphrase', encoded)).toEqual({
      ok: true,
      needsRehash: false,
    });
    expect(await verifyPassword('a perfectly fine passphrasE', encoded)).toEqual({
      ok: false,
      needsRehash: false,
    });

    // Tampering with the digest (last char) or the salt must fail, never throw.
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    expect((await verifyPassword('a perfectly fine passphrase', flip(encoded, encoded.length - 2))).ok).toBe(
      false,
    );
    const saltStart = encoded.lastIndexOf('$', encoded.lastIndexOf('$') - 1) + 1;
    expect((await verifyPassword('a perfectly fine passphrase', flip(encoded, saltStart))).ok).toBe(false);
  });

  it('flags hashes made with other parameters for rehashing', async () => {
    const weak = await hash('old password here', {
      algorithm: 2,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    });
    expect(await verifyPassword('old password here', weak)).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword('wrong password', weak)).toEqual({ ok: false, needsRehash: false });
  });

  it('burnPasswordCheck resolves without throwing', async () => {
    await expect(burnPasswordCheck('whatever')).resolves.toBeUndefined();
  });
});

describe('Django pbkdf2_sha256', () => {
  it('verifies a hash built the Django way and asks for a rehash', async () => {
    const encoded = djangoHash('hunter2 is my password', 'somesalt', 1000);
    expect(encoded.startsWith('pbkdf2_sha256$1000$somesalt$')).toBe(true);
    expect(await verifyPassword('hunter2 is my password', encoded)).toEqual({ ok: true, needsRehash: true });
    expect(await verifyPassword('hunter3 is my password', encoded)).toEqual({
      ok: false,
      needsRehash: false,
    });
  });

  it('verifies a hash computed by Python (independent implementation)', async () => {
    expect(await verifyPassword('correct horse battery', PYTHON_DJANGO_HASH)).toEqual({
      ok: true,
      needsRehash: true,
    });
    expect((await verifyPassword('correct horse battery!', PYTHON_DJANGO_HASH)).ok).toBe(false);
  });

  it('handles non-ASCII passwords and salts as UTF-8', async () => {
    const encoded = djangoHash('pässwörd ✓ 密码', 'sälz', 1000);
    expect((await verifyPassword('pässwörd ✓ 密码', encoded)).ok).toBe(true);
    expect((await verifyPassword('passwort ✓ 密码', encoded)).ok).toBe(false);
  });

  it('rejects tampered hashes', async () => {
    const pw = 'hunter2 is my password';
    const good = djangoHash(pw, 'somesalt', 1000);
    const [, , , digest] = good.split('$') as [string, string, string, string];
    const tampered = [
      good.replace('$1000$', '$1001$'), // different iteration count
      good.replace('$somesalt$', '$somesalT$'), // different salt
      `pbkdf2_sha256$1000$somesalt$${digest[0] === 'A' ? 'B' : 'A'}${digest.slice(1)}`, // digest bit flip
      `pbkdf2_sha256$1000$somesalt$${digest.slice(0, -4)}`, // truncated digest
      `pbkdf2_sha256$1000$somesalt$${digest}AAAA`, // extended digest
      `pbkdf2_sha256$1000$somesalt$${digest.slice(0, 10)}*${digest.slice(11)}`, // invalid base64 char
      good.replace('pbkdf2_sha256', 'pbkdf2_sha1'), // other algorithm
      `${good}$extra`,
      `pbkdf2_sha256$1000$$${digest}`, // empty salt
    ];
    for (const encoded of tampered) {
      expect(await verifyPassword(pw, encoded), encoded).toEqual({ ok: false, needsRehash: false });
    }
  });

  it('rejects absurd or malformed iteration counts', async () => {
    const digest = pbkdf2Sync('pw', 'salt', 1, 32, 'sha256').toString('base64');
    for (const iterations of ['0', '-1', '10000001', '99999999999', '1e3', ' 1', '0x10', '']) {
      const encoded = `pbkdf2_sha256$${iterations}$salt$${digest}`;
      expect(await verifyPassword('pw', encoded), encoded).toEqual({ ok: false, needsRehash: false });
    }
    // The lowest allowed count still works.
    expect((await verifyPassword('pw', `pbkdf2_sha256$1$salt$${digest}`)).ok).toBe(true);
  });
});

describe('unusable and garbage values', () => {
  it('makes unique unusable passwords that never verify', async () => {
    const a = makeUnusablePassword();
    const b = makeUnusablePassword();
    expect(a).toMatch(/^!([A-Za-z0-9]{40})$/);
    expect(a).not.toBe(b);
    expect(a.startsWith(UNUSABLE_PASSWORD_PREFIX)).toBe(true);
    expect(isUsablePassword(a)).toBe(false);
    expect(await verifyPassword(a, a)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword('', a)).toEqual({ ok: false, needsRehash: false });
  });

  it('never verifies a "!"-prefixed value even if the rest is a valid hash', async () => {
    const encoded = djangoHash('hunter2 is my password', 'somesalt', 1000);
    expect(await verifyPassword('hunter2 is my password', `!${encoded}`)).toEqual({
      ok: false,
      needsRehash: false,
    });
  });

  it('isUsablePassword', () => {
    expect(isUsablePassword('$argon2id$v=19$m=19456,t=2,p=1$abc$def')).toBe(true);
    expect(isUsablePassword('!')).toBe(false);
    expect(isUsablePassword('')).toBe(false);
    expect(isUsablePassword(null)).toBe(false);
    expect(isUsablePassword(undefined)).toBe(false);
  });

  it('returns ok:false for garbage without throwing', async () => {
    const garbage = [
      '',
      'plaintext',
      '$',
      '$$$$',
      '$argon2id$',
      '$argon2id$v=19$m=19456,t=2,p=1$',
      '$argon2id$v=19$m=19456,t=2,p=1$not-base64!$also-not',
      '$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaA',
      'pbkdf2_sha256',
      'pbkdf2_sha256$',
      'pbkdf2_sha256$$$',
      'md5$salt$5f4dcc3b5aa765d61d8327deb882cf99',
      'bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuu',
      '\u0000\uffff',
    ];
    for (const encoded of garbage) {
      expect(await verifyPassword('password', encoded), encoded).toEqual({ ok: false, needsRehash: false });
    }
  });
});
