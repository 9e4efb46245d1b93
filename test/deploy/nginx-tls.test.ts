// Issue 19: the TLS part of `keen nginx`: Mozilla's profiles, HSTS from nginx, OCSP stapling when the
// certificate names a responder. The live grade (testssl.sh) is test/topology/tls-grade.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type NginxSiteOptions, renderNginxSite } from '../../src/deploy/nginx.js';
import { issuerChainFor, ocspResponderOf, systemResolvers } from '../../src/deploy/tls-certificate.js';
import { hstsValue } from '../../src/web/middleware/security.js';
import { NGINX, NGINX_AVAILABLE, selfSignedCertificate } from '../support/nginx.js';

const work = mkdtempSync(join(tmpdir(), 'keen-nginx-tls-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const base: NginxSiteOptions = {
  name: 'example',
  serverNames: ['example.com'],
  upstreams: ['127.0.0.1:8000'],
  staticRoot: '/srv/static',
  mediaRoot: '/srv/media',
  certificate: '/etc/letsencrypt/live/example.com/fullchain.pem',
  certificateKey: '/etc/letsencrypt/live/example.com/privkey.pem',
  maxBodyBytes: 1_048_576,
};
const HSTS = 'max-age=31536000; includeSubDomains; preload';

/** The directives of the HTTPS server block, one per line, comments left out. */
function httpsBlock(site: string): string[] {
  const block = site.slice(site.indexOf('ssl_certificate '));
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

describe('keen nginx: TLS profiles', () => {
  it('intermediate (the default): TLS 1.2 and 1.3, ECDHE with AEAD ciphers only, the three curves', () => {
    const lines = httpsBlock(renderNginxSite(base));
    expect(lines).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(lines).toContain('ssl_ecdh_curve X25519:prime256v1:secp384r1;');
    const ciphers = lines.find((line) => line.startsWith('ssl_ciphers '))?.slice('ssl_ciphers '.length, -1);
    const suites = ciphers?.split(':') ?? [];
    expect(suites.length).toBe(6);
    for (const suite of suites)
      expect(suite).toMatch(/^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
    // The session settings stay as they were.
    expect(lines).toContain('ssl_session_timeout 1d;');
    expect(lines).toContain('ssl_session_tickets off;');
  });

  it('modern: TLS 1.3 only, no TLS 1.2 cipher list', () => {
    const lines = httpsBlock(renderNginxSite({ ...base, tlsProfile: 'modern' }));
    expect(lines).toContain('ssl_protocols TLSv1.3;');
    expect(lines.some((line) => line.startsWith('ssl_ciphers'))).toBe(false);
  });

  it('refuses an unknown profile', () => {
    expect(() => renderNginxSite({ ...base, tlsProfile: 'old' as 'modern' })).toThrow(/--tls-profile/);
  });
});

describe('keen nginx: HSTS', () => {
  it('on the server, repeated in each location with its own headers, and the app copy hidden', () => {
    const site = renderNginxSite({ ...base, hsts: HSTS });
    const header = `add_header Strict-Transport-Security "${HSTS}" always;`;
    // Server level, /static/ and /media/ (a location with add_header inherits none from the server).
    expect(site.split(header).length - 1).toBe(3);
    const app = site.slice(site.indexOf('location / {'));
    expect(app).toContain('proxy_hide_header Strict-Transport-Security;');
    // Never on the plain-HTTP server.
    expect(site.slice(0, site.indexOf('ssl_certificate '))).not.toContain('Strict-Transport-Security');
  });

  it('none at all when the settings turn HSTS off, and the value is the one the app sends', () => {
    const site = renderNginxSite({ ...base, hsts: null });
    expect(site).not.toContain('Strict-Transport-Security');
    expect(
      hstsValue({ secureHstsSeconds: 31536000, secureHstsIncludeSubdomains: true, secureHstsPreload: true }),
    ).toBe(HSTS);
    expect(
      hstsValue({ secureHstsSeconds: 0, secureHstsIncludeSubdomains: true, secureHstsPreload: false }),
    ).toBeNull();
    expect(() => renderNginxSite({ ...base, hsts: 'max-age=1" always; include /etc/passwd; #' })).toThrow(
      /HSTS/,
    );
  });

  it('leaves no blank line where an optional part renders to nothing', () => {
    expect(renderNginxSite(base)).not.toMatch(/\n\s*\n\s*\n/);
  });
});

describe('keen nginx: OCSP stapling', () => {
  const withOcsp = selfSignedCertificate(work, 'ocsp', [
    'authorityInfoAccess=OCSP;URI:http://ocsp.example.test',
  ]);
  const without = selfSignedCertificate(work, 'plain');

  it('reads the responder from the certificate; none for a certificate without one or a missing file', () => {
    expect(ocspResponderOf(withOcsp.certificate)).toBe('http://ocsp.example.test');
    expect(ocspResponderOf(without.certificate)).toBeNull();
    expect(ocspResponderOf(join(work, 'absent.pem'))).toBeNull();
  });

  it("verifies with certbot's chain.pem when it is there, else the certificate file", () => {
    const live = join(work, 'live');
    mkdirSync(live);
    writeFileSync(join(live, 'fullchain.pem'), withOcsp.pem);
    expect(issuerChainFor(join(live, 'fullchain.pem'))).toBe(join(live, 'fullchain.pem'));
    writeFileSync(join(live, 'chain.pem'), withOcsp.pem);
    expect(issuerChainFor(join(live, 'fullchain.pem'))).toBe(join(live, 'chain.pem'));
  });

  it("takes the machine's name servers for the resolver, IPv6 in brackets", () => {
    const conf = join(work, 'resolv.conf');
    writeFileSync(conf, '# local\nnameserver 10.0.0.2\nsearch example\nnameserver 2001:db8::53\n');
    expect(systemResolvers(conf)).toBe('10.0.0.2 [2001:db8::53]');
    writeFileSync(conf, 'search example\n');
    expect(systemResolvers(conf)).toBeNull();
    expect(systemResolvers(join(work, 'none'))).toBeNull();
  });

  it('renders stapling only when asked, with the chain and resolver checked', () => {
    expect(renderNginxSite(base)).not.toContain('ssl_stapling');
    const lines = httpsBlock(
      renderNginxSite({
        ...base,
        ocsp: { trustedCertificate: '/etc/ssl/chain.pem', resolver: '10.0.0.2 [::1]' },
      }),
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        'ssl_stapling on;',
        'ssl_stapling_verify on;',
        'ssl_trusted_certificate /etc/ssl/chain.pem;',
        'resolver 10.0.0.2 [::1] valid=300s;',
      ]),
    );
    expect(() =>
      renderNginxSite({
        ...base,
        ocsp: { trustedCertificate: '/x.pem', resolver: '1.1.1.1; include /etc/passwd' },
      }),
    ).toThrow(/resolver/);
  });

  it.runIf(NGINX_AVAILABLE)('nginx accepts the rendered stapling configuration (nginx -t)', () => {
    const dir = join(work, 'nginx-t');
    mkdirSync(dir);
    const site = renderNginxSite({
      ...base,
      certificate: withOcsp.certificate,
      certificateKey: withOcsp.key,
      ocsp: { trustedCertificate: withOcsp.certificate, resolver: '127.0.0.1' },
      hsts: HSTS,
      httpPort: 18081,
      httpsPort: 18444,
      listenAddress: '127.0.0.1',
    });
    writeFileSync(join(dir, 'site.conf'), site);
    writeFileSync(
      join(dir, 'nginx.conf'),
      `pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  include ${dir}/site.conf;\n}\n`,
    );
    expect(() =>
      execFileSync(NGINX, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'pipe' }),
    ).not.toThrow();
  });
});
