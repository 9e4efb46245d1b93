// Issue 19: the TLS of the site `keen nginx` renders, graded by testssl.sh on loopback (one to three minutes), and
// HSTS on every HTTPS response (nginx's own and the app's, once). Real nginx in front of a real Keen app.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNginxSite, type TlsProfile } from '../../src/deploy/nginx.js';
import { hstsValue } from '../../src/web/middleware/security.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { ENGINE } from '../support/database.js';
import { freePort } from '../support/keen-serve.js';
import { listenOnLoopback } from '../support/listen.js';
import { NGINX_AVAILABLE, selfSignedCertificate, startNginx } from '../support/nginx.js';

const TESTSSL = '/usr/bin/testssl';
// CI installs testssl.sh (.ci/run); a developer machine without it or nginx skips this file. The grade
// does not depend on the database, so it runs in one of the two suites: the embedded one, which a plain
// `npm test` runs.
const TOOLS = (NGINX_AVAILABLE && existsSync(TESTSSL)) || process.env.CI === 'true';
if (!TOOLS)
  console.warn(`TLS grade not run: nginx or ${TESTSSL} is missing (apt-get install nginx testssl.sh)`);
const AVAILABLE = TOOLS && ENGINE === 'pglite';
const HSTS_ENV = { SECURE_HSTS_SECONDS: '63072000', SECURE_HSTS_INCLUDE_SUBDOMAINS: 'true' };
const HASHED_CSS = 'css/site.0123456789ab.css';

interface Finding {
  id: string;
  severity: string;
  finding: string;
}

/**
 * What a self-signed, one-day test certificate and Mozilla's profile are bound to get from testssl.sh:
 * the certificate findings a real (Let's Encrypt) certificate does not have, and no server cipher order,
 * which Mozilla's intermediate profile leaves to the client on purpose (every suite offered is strong).
 */
const EXPECTED_SEVERE = new Set([
  'cert_chain_of_trust',
  'cert_expirationStatus',
  'cert_notAfter',
  'cert_revocation',
  'cipher_order',
]);

function runTestssl(port: number, args: readonly string[], jsonFile: string): Promise<Finding[]> {
  return new Promise((resolve, reject) => {
    execFile(
      TESTSSL,
      [
        ...args,
        '--ip',
        '127.0.0.1',
        '--jsonfile',
        jsonFile,
        '--quiet',
        '--color',
        '0',
        '--warnings',
        'off',
        `https://localhost:${port}`,
      ],
      { timeout: 240_000 },
      // testssl.sh's exit status counts findings; the JSON file is what is read.
      (error) => {
        if (!existsSync(jsonFile)) return reject(error ?? new Error('testssl.sh wrote no JSON'));
        resolve(JSON.parse(readFileSync(jsonFile, 'utf8')) as Finding[]);
      },
    );
  });
}

describe.runIf(AVAILABLE)('TLS of the rendered nginx site (testssl.sh)', () => {
  let work: string;
  let t: TestApp;
  let cert: string;
  let intermediatePort: number;
  let modernPort: number;
  const stops: (() => void)[] = [];

  function get(port: number, path: string) {
    return new Promise<{ status: number; hsts: string[] }>((resolve, reject) => {
      request(
        {
          host: '127.0.0.1',
          port,
          path,
          ca: cert,
          servername: 'localhost',
          headers: { host: `localhost:${port}` },
        },
        (res) => {
          res.resume();
          const raw = res.rawHeaders.filter((_, i) => i % 2 === 0);
          const hsts = raw.flatMap((name, i) =>
            name.toLowerCase() === 'strict-transport-security' ? [res.rawHeaders[2 * i + 1] as string] : [],
          );
          resolve({ status: res.statusCode ?? 0, hsts });
        },
      )
        .on('error', reject)
        .end();
    });
  }

  async function serveSite(profile: TlsProfile, folder: string, upstream: string): Promise<number> {
    const dir = join(work, folder);
    mkdirSync(dir);
    const httpsPort = await freePort();
    const site = renderNginxSite({
      name: `grade_${profile}`,
      serverNames: ['localhost'],
      upstreams: [upstream],
      staticRoot: join(work, 'static'),
      mediaRoot: join(work, 'media'),
      certificate: join(work, 'cert.pem'),
      certificateKey: join(work, 'cert-key.pem'),
      maxBodyBytes: 1024 * 1024,
      httpPort: await freePort(),
      httpsPort,
      listenAddress: '127.0.0.1',
      tlsProfile: profile,
      hsts: hstsValue(t.app.keen.settings),
    });
    const nginx = startNginx(dir, site);
    stops.push(() => nginx.kill('SIGQUIT'));
    for (let i = 0; i < 50; i++) {
      if (
        await get(httpsPort, '/healthz').then(
          (r) => r.status === 200,
          () => false,
        )
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return httpsPort;
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'keen-tls-'));
    cert = selfSignedCertificate(work).pem;
    mkdirSync(join(work, 'static', 'css'), { recursive: true });
    writeFileSync(join(work, 'static', HASHED_CSS), 'body { margin: 0 }\n');
    mkdirSync(join(work, 'media'));
    writeFileSync(join(work, 'media', 'note.txt'), 'a file\n');
    // The app behind nginx sends HSTS too (TRUSTED_PROXIES makes X-Forwarded-Proto count).
    t = await createTestApp({
      env: { ...HSTS_ENV, TRUSTED_PROXIES: '127.0.0.1', MEDIA_ROOT: join(work, 'media') },
    });
    const upstream = new URL(await listenOnLoopback(t.app)).host;
    intermediatePort = await serveSite('intermediate', 'intermediate', upstream);
    modernPort = await serveSite('modern', 'modern', upstream);
  }, 60_000);

  afterAll(async () => {
    for (const stop of stops) stop();
    await t?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('intermediate: TLS 1.2 and 1.3 only, forward-secret AEAD suites only, nothing vulnerable', async () => {
    const findings = await runTestssl(intermediatePort, [], join(work, 'intermediate.json'));
    const byId = new Map(findings.map((finding) => [finding.id, finding]));
    const said = (id: string) => byId.get(id)?.finding ?? `(no ${id} finding)`;

    for (const old of ['SSLv2', 'SSLv3', 'TLS1', 'TLS1_1']) expect(said(old), old).toBe('not offered');
    expect(said('TLS1_2')).toBe('offered');
    expect(said('TLS1_3')).toMatch(/^offered/);
    for (const weak of ['NULL', 'aNULL', 'EXPORT', 'LOW', '3DES_IDEA', 'AVERAGE']) {
      expect(said(`cipherlist_${weak}`), weak).toBe('not offered');
    }
    expect(said('PFS')).toBe('offered');
    expect(said('PFS_ECDHE_curves').split(' ').sort()).toEqual(['X25519', 'prime256v1', 'secp384r1']);

    // Every suite offered: ECDH key exchange and an AEAD cipher (GCM or ChaCha20-Poly1305), no CBC.
    const ciphers = findings.filter((finding) => finding.id.startsWith('cipher_x'));
    expect(ciphers.length).toBeGreaterThanOrEqual(4);
    for (const { finding } of ciphers) {
      const [, name, keyExchange, , encryption] = finding.split(/\s+/);
      expect(keyExchange, finding).toBe('ECDH');
      expect(encryption, finding).toMatch(/^(AESGCM|ChaCha20)$/);
      expect(name, finding).not.toMatch(/CBC|-SHA$/);
    }

    expect(findings.filter((finding) => /VULNERABLE/.test(finding.finding))).toEqual([]);
    const severe = findings.filter(
      (finding) => ['HIGH', 'CRITICAL'].includes(finding.severity) && !EXPECTED_SEVERE.has(finding.id),
    );
    expect(severe).toEqual([]);
    expect(byId.get('HSTS_time')?.severity).toBe('OK');
    expect(said('HSTS_subdomains')).toBe('includes subdomains');
  }, 300_000);

  it('modern: TLS 1.3 only', async () => {
    const findings = await runTestssl(modernPort, ['--protocols'], join(work, 'modern.json'));
    const said = (id: string) => findings.find((finding) => finding.id === id)?.finding;
    for (const old of ['SSLv2', 'SSLv3', 'TLS1', 'TLS1_1', 'TLS1_2'])
      expect(said(old), old).toBe('not offered');
    expect(said('TLS1_3')).toMatch(/^offered/);
    // A TLS 1.2 client is refused by the handshake itself.
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: modernPort,
        servername: 'localhost',
        ca: cert,
        maxVersion: 'TLSv1.2',
      });
      socket.on('secureConnect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  }, 120_000);

  it('HSTS once on every HTTPS response: static files, media, app pages, and nginx own errors', async () => {
    const expected = hstsValue(t.app.keen.settings);
    expect(expected).toBe('max-age=63072000; includeSubDomains');
    for (const port of [intermediatePort, modernPort]) {
      const page = await get(port, '/accounts/login/');
      const file = await get(port, `/static/${HASHED_CSS}`);
      const missing = await get(port, '/static/css/none.0123456789ab.css');
      const media = await get(port, '/media/note.txt');
      expect([page.status, file.status, missing.status, media.status]).toEqual([200, 200, 404, 200]);
      // The app sends its own as well behind HTTPS; nginx hides it, so there is exactly one.
      for (const reply of [page, file, missing, media]) expect(reply.hsts).toEqual([expected]);
    }
  });
});
