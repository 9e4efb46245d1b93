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
    CLOUDFLARE_INCLUDE: options.cloudflareInclude
      ? `    # Real client addresses behind Cloudflare.\n    include ${checked('cloudflare', options.cloudflareInclude)};\n`
      : '',
  };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (match, key: string) => {
    const value = values[key];
    if (value === undefined)
      throw new CommandError(`the nginx template uses an unknown placeholder ${match}`);
    return value;
  });
}
