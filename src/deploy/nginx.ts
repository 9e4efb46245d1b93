/**
 * Renders deploy/nginx/site.conf.template (the seed's Nginx tier) for one site: its domains, the Keen
 * upstream(s), static and media folders, TLS files and the upload limit. Values are checked so nothing
 * a user types can inject nginx directives.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandError } from '../errors.js';
import { projectRoot } from '../project-root.js';

export interface NginxSiteOptions {
  /** Short name used for the upstream and cache zone, e.g. `coreofkeen`. */
  name: string;
  serverNames: readonly string[];
  /** `host:port` of each Keen instance. */
  upstreams: readonly string[];
  staticRoot: string;
  mediaRoot: string;
  certificate: string;
  certificateKey: string;
  /** client_max_body_size in bytes: the app's upload limit. */
  maxBodyBytes: number;
  httpPort?: number;
  httpsPort?: number;
  /** Listen only on this address (tests use 127.0.0.1); default all IPv4 and IPv6 addresses. */
  listenAddress?: string;
  /** Include deploy/nginx/cloudflare-real-ip.conf (its absolute path) for real client IPs. */
  cloudflareInclude?: string | null;
  /** Mozilla's server-side TLS profile: `intermediate` (TLS 1.2 and 1.3, the default) or `modern` (1.3 only). */
  tlsProfile?: TlsProfile;
  /** The Strict-Transport-Security value nginx sends on every HTTPS response; null sends none. */
  hsts?: string | null;
  /** OCSP stapling: the issuer chain nginx verifies responses with, and the resolver that finds the responder. */
  ocsp?: { trustedCertificate: string; resolver: string } | null;
}

export const TLS_PROFILES = ['intermediate', 'modern'] as const;
export type TlsProfile = (typeof TLS_PROFILES)[number];

/**
 * The protocol and cipher lines of each profile (Mozilla's server-side TLS recommendations). Both offer
 * only forward-secret AEAD suites: the intermediate one keeps TLS 1.2 with ECDHE and GCM or ChaCha20 for
 * older clients, without DHE (no dhparam file to manage) or any CBC suite; TLS 1.3's suites need no line.
 */
const TLS_PROFILE_LINES: Record<TlsProfile, string> = {
  intermediate: [
    '    # Mozilla "intermediate": TLS 1.2 and 1.3, ECDHE key exchange and AEAD ciphers only.',
    '    ssl_protocols TLSv1.2 TLSv1.3;',
    '    ssl_ecdh_curve X25519:prime256v1:secp384r1;',
    '    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;',
    '    ssl_prefer_server_ciphers off;',
  ].join('\n'),
  modern: [
    '    # Mozilla "modern": TLS 1.3 only (its cipher suites are all forward-secret AEAD).',
    '    ssl_protocols TLSv1.3;',
    '    ssl_ecdh_curve X25519:prime256v1:secp384r1;',
    '    ssl_prefer_server_ciphers off;',
  ].join('\n'),
};

// A header value goes between double quotes: nothing that could end them or the directive.
const SAFE_HEADER_VALUE = /^[\w =;.-]+$/;

/** The lines that turn on OCSP stapling, or none. */
function ocspLines(ocsp: NginxSiteOptions['ocsp']): string {
  if (!ocsp) return '';
  return [
    "    # OCSP stapling: nginx fetches the certificate's revocation status and sends it in the handshake.",
    '    ssl_stapling on;',
    '    ssl_stapling_verify on;',
    `    ssl_trusted_certificate ${checked('trusted-cert', ocsp.trustedCertificate)};`,
    `    resolver ${ocsp.resolver
      .split(/\s+/)
      .filter(Boolean)
      .map((address) => checked('resolver', address))
      .join(' ')} valid=300s;`,
    '    resolver_timeout 5s;',
  ].join('\n');
}

export const NGINX_TEMPLATE = () => join(projectRoot(), 'deploy', 'nginx', 'site.conf.template');

// Anything that could end a directive or open a block is refused.
const SAFE_VALUE = /^[^\s;{}'"`$\\#]+$/;

function checked(option: string, value: string): string {
  if (!SAFE_VALUE.test(value))
    throw new CommandError(`--${option} "${value}" contains characters nginx would misread`);
  return value;
}

function listenLines(address: string | undefined, port: number, suffix: string): string {
  if (address) return `    listen ${address.includes(':') ? `[${address}]` : address}:${port}${suffix};`;
  return `    listen ${port}${suffix};\n    listen [::]:${port}${suffix};`;
}

/** The rendered configuration text. */
export function renderNginxSite(
  options: NginxSiteOptions,
  template = readFileSync(NGINX_TEMPLATE(), 'utf8'),
): string {
  if (!/^[a-z0-9_]+$/.test(options.name))
    throw new CommandError('--name must be lower-case letters, digits or _');
  if (options.serverNames.length === 0) throw new CommandError('give at least one --domain');
  if (options.upstreams.length === 0) throw new CommandError('give at least one --upstream HOST:PORT');
  for (const upstream of options.upstreams) {
    if (!/^[\w.-]+:\d{1,5}$|^\[[0-9a-f:]+\]:\d{1,5}$|^unix:\/[\w./-]+$/i.test(upstream)) {
      throw new CommandError(`--upstream "${upstream}" must be HOST:PORT or unix:/path`);
    }
  }
  const profile = options.tlsProfile ?? 'intermediate';
  if (!TLS_PROFILES.includes(profile)) {
    throw new CommandError(`--tls-profile must be ${TLS_PROFILES.join(' or ')} (got "${profile}")`);
  }
  const hsts = options.hsts ?? null;
  if (hsts !== null && !SAFE_HEADER_VALUE.test(hsts)) throw new CommandError(`bad HSTS value "${hsts}"`);
  const hstsLine = (indent: string) =>
    hsts === null ? '' : `${indent}add_header Strict-Transport-Security "${hsts}" always;`;
  const httpPort = options.httpPort ?? 80;
  const httpsPort = options.httpsPort ?? 443;
  const values: Record<string, string> = {
    NAME: options.name,
    SERVER_NAMES: options.serverNames.map((name) => checked('domain', name)).join(' '),
    UPSTREAM_SERVERS: options.upstreams
      .map((upstream) => `    server ${upstream} max_fails=1 fail_timeout=5s;`)
      .join('\n'),
    HTTP_PORT: String(httpPort),
    HTTP_LISTEN: listenLines(options.listenAddress, httpPort, ''),
    HTTPS_LISTEN: listenLines(options.listenAddress, httpsPort, ' ssl http2'),
    HTTPS_PORT_SUFFIX: httpsPort === 443 ? '' : `:${httpsPort}`,
    CERT: checked('cert', options.certificate),
    KEY: checked('key', options.certificateKey),
    STATIC_ROOT: checked('static-root', options.staticRoot.replace(/\/+$/, '')),
    MEDIA_ROOT: checked('media-root', options.mediaRoot.replace(/\/+$/, '')),
    MAX_BODY: String(options.maxBodyBytes),
    TLS_PROFILE: TLS_PROFILE_LINES[profile],
    OCSP_STAPLING: ocspLines(options.ocsp),
    HSTS_HEADER: hstsLine('    '),
    HSTS_HEADER_LOCATION: hstsLine('        '),
    // nginx's header is the one: the app's own (it sends one too behind HTTPS) would make two.
    HSTS_HIDE_UPSTREAM: hsts === null ? '' : '        proxy_hide_header Strict-Transport-Security;',
    CLOUDFLARE_INCLUDE: options.cloudflareInclude
      ? `    # Real client addresses behind Cloudflare.\n    include ${checked('cloudflare', options.cloudflareInclude)};\n`
      : '',
  };
  const placeholderValue = (match: string, key: string) => {
    const value = values[key];
    if (value === undefined)
      throw new CommandError(`the nginx template uses an unknown placeholder ${match}`);
    return value;
  };
  return (
    template
      // A placeholder alone on its line that renders to nothing takes its line with it.
      .replace(/^\{\{([A-Z_]+)\}\}\n/gm, (match, key: string) => {
        const value = placeholderValue(match.trim(), key);
        return value === '' ? '' : `${value}\n`;
      })
      .replace(/\{\{([A-Z_]+)\}\}/g, placeholderValue)
  );
}
