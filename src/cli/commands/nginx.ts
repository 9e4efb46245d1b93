/** `keen nginx`: prints (or writes) the nginx site configuration for this deployment. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderNginxSite } from '../../deploy/nginx.js';
import { projectRoot } from '../../project-root.js';
import { loadRuntimeSettings } from '../../settings/runtime.js';
import { type Command, parseArgs } from '../command.js';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const port = (value: string | undefined, fallback: number) =>
  value === undefined ? fallback : Number(value);

export const nginxCommand: Command = {
  usage:
    'keen nginx --domain example.com[,www.example.com] [--upstream 127.0.0.1:8000[,…]] [--static-root DIR] ' +
    '[--media-root DIR] [--cert FILE --key FILE] [--cloudflare | --cloudflare-include FILE] [--name NAME] [--output FILE]',
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
    ];
    const { values, flags } = parseArgs(args, options);
    const { settings } = loadRuntimeSettings();
    const domains = list(values.get('domain'));
    const first = domains[0] ?? '';
    const text = renderNginxSite({
      name: values.get('name') ?? first.replace(/[^a-z0-9]+/gi, '_').toLowerCase(),
      serverNames: domains,
      upstreams: list(values.get('upstream') ?? `127.0.0.1:${settings.port}`),
      staticRoot: values.get('static-root') ?? settings.staticRoot,
      mediaRoot: values.get('media-root') ?? settings.mediaRoot,
      certificate: values.get('cert') ?? `/etc/letsencrypt/live/${first}/fullchain.pem`,
      certificateKey: values.get('key') ?? `/etc/letsencrypt/live/${first}/privkey.pem`,
      maxBodyBytes: port(
        values.get('max-body'),
        // The app's upload limit (FILE_UPLOAD_MAX_SIZE) or its form limit, whichever is larger.
        Math.max(settings.dataUploadMaxMemorySize, settings.fileUploadMaxSize),
      ),
      httpPort: port(values.get('http-port'), 80),
      httpsPort: port(values.get('https-port'), 443),
      listenAddress: values.get('listen'),
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
