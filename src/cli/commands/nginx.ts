/** `keen nginx`: prints (or writes) the nginx site configuration for this deployment. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NginxSiteOptions, renderNginxSite, type TlsProfile } from '../../deploy/nginx.js';
import { issuerChainFor, ocspResponderOf, systemResolvers } from '../../deploy/tls-certificate.js';
import { CommandError } from '../../errors.js';
import { projectRoot } from '../../project-root.js';
import { loadRuntimeSettings } from '../../settings/runtime.js';
import { hstsValue } from '../../web/middleware/security.js';
import { type Command, parseArgs } from '../command.js';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const port = (value: string | undefined, fallback: number) =>
  value === undefined ? fallback : Number(value);

/**
 * Stapling is on when the certificate names an OCSP responder (`auto`, read from the file) or when asked
 * (`on`, for a certificate not readable here); Let's Encrypt's certificates no longer name one.
 */
function ocspOption(
  mode: string,
  certificate: string,
  values: Map<string, string>,
): NginxSiteOptions['ocsp'] {
  if (!['auto', 'on', 'off'].includes(mode))
    throw new CommandError(`--ocsp must be auto, on or off (got "${mode}")`);
  if (mode === 'off' || (mode === 'auto' && ocspResponderOf(certificate) === null)) return null;
  const resolver = values.get('resolver') ?? systemResolvers();
  if (!resolver) throw new CommandError('OCSP stapling needs a resolver: give --resolver ADDR');
  return { trustedCertificate: values.get('trusted-cert') ?? issuerChainFor(certificate), resolver };
}

export const nginxCommand: Command = {
  usage:
    'keen nginx --domain example.com[,www.example.com] [--upstream 127.0.0.1:8000[,…]] [--static-root DIR] ' +
    '[--media-root DIR] [--cert FILE --key FILE] [--tls-profile intermediate|modern] [--ocsp auto|on|off] ' +
    '[--trusted-cert FILE] [--resolver ADDR] [--cloudflare | --cloudflare-include FILE] [--name NAME] [--output FILE]',
  async run(args) {
    const options = [
      'domain',
      'upstream',
      'static-root',
      'media-root',
      'cert',
      'key',
      'name',
      'output',
      'http-port',
      'https-port',
      'listen',
      'max-body',
      'cloudflare-include',
      'tls-profile',
      'ocsp',
      'trusted-cert',
      'resolver',
    ];
    const { values, flags } = parseArgs(args, options);
    const { settings } = loadRuntimeSettings();
    const domains = list(values.get('domain'));
    const first = domains[0] ?? '';
    const certificate = values.get('cert') ?? `/etc/letsencrypt/live/${first}/fullchain.pem`;
    const text = renderNginxSite({
      name: values.get('name') ?? first.replace(/[^a-z0-9]+/gi, '_').toLowerCase(),
      serverNames: domains,
      upstreams: list(values.get('upstream') ?? `127.0.0.1:${settings.port}`),
      staticRoot: values.get('static-root') ?? settings.staticRoot,
      mediaRoot: values.get('media-root') ?? settings.mediaRoot,
      certificate,
      certificateKey: values.get('key') ?? `/etc/letsencrypt/live/${first}/privkey.pem`,
      maxBodyBytes: port(
        values.get('max-body'),
        // The app's upload limit (FILE_UPLOAD_MAX_SIZE) or its form limit, whichever is larger.
        Math.max(settings.dataUploadMaxMemorySize, settings.fileUploadMaxSize),
      ),
      httpPort: port(values.get('http-port'), 80),
      httpsPort: port(values.get('https-port'), 443),
      listenAddress: values.get('listen'),
      tlsProfile: (values.get('tls-profile') ?? 'intermediate') as TlsProfile,
      hsts: hstsValue(settings),
      ocsp: ocspOption(values.get('ocsp') ?? 'auto', certificate, values),
      // --cloudflare-include names where the host's nginx finds the list; --cloudflare uses this checkout's copy.
      cloudflareInclude:
        values.get('cloudflare-include') ??
        (flags.has('cloudflare') ? join(projectRoot(), 'deploy', 'nginx', 'cloudflare-real-ip.conf') : null),
    });
    const output = values.get('output');
    if (output) {
      writeFileSync(output, text);
      process.stderr.write(`wrote ${output}; check it with: nginx -t\n`);
    } else {
      process.stdout.write(text);
    }
    return 0;
  },
};
