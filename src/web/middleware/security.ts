/**
 * Stage 1, security (Django's SecurityMiddleware): HTTPS redirect, HSTS on secure responses only, and
 * the header set an HTTP Observatory scan grades: nosniff, Referrer-Policy, COOP, CORP and a strict CSP
 * (no inline script or style anywhere, so a stored-XSS payload cannot run). Headers a view already set
 * are left alone.
 */
import type { Settings } from '../../settings.js';
import { isSecure, requestHost } from '../request-info.js';
import { routePolicy } from '../route-policy.js';
import type { Stage } from '../stage.js';
import { assertAllowedHost } from './common.js';

/**
 * Powerful browser features the site never uses, switched off for it and anything it embeds, so an
 * injected script or a framed page cannot ask the visitor for their camera, location or payment.
 */
export const PERMISSIONS_POLICY = [
  'accelerometer',
  'autoplay',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
]
  .map((feature) => `${feature}=()`)
  .join(', ');

/** The site-wide Content-Security-Policy (frame-ancestors is added by the clickjacking stage). */
export const CONTENT_SECURITY_POLICY = cspWithImageOrigins([]);

/** The policy, with images also allowed from `origins` (media in object storage on another host). */
export function cspWithImageOrigins(origins: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    ["img-src 'self' data:", ...origins].join(' '),
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** The Strict-Transport-Security value the SECURE_HSTS_* settings ask for; null when off. `keen nginx` sends the same. */
export function hstsValue(
  settings: Pick<Settings, 'secureHstsSeconds' | 'secureHstsIncludeSubdomains' | 'secureHstsPreload'>,
): string | null {
  if (settings.secureHstsSeconds <= 0) return null;
  return (
    `max-age=${settings.secureHstsSeconds}` +
    (settings.secureHstsIncludeSubdomains ? '; includeSubDomains' : '') +
    (settings.secureHstsPreload ? '; preload' : '')
  );
}

export const security: Stage = {
  name: 'security',
  register(app, { settings }) {
    // Computed once: the per-request path only copies strings. Media in object storage are served
    // from the bucket's (or its custom domain's) origin, which pages must be allowed to show.
    const mediaOrigins = settings.s3 ? [new URL(settings.s3.publicBaseUrl).origin] : [];
    const hsts = hstsValue(settings);
    const fixed: [string, string][] = [
      ['x-content-type-options', 'nosniff'],
      ['permissions-policy', PERMISSIONS_POLICY],
      ['referrer-policy', 'same-origin'],
      ['cross-origin-opener-policy', 'same-origin'],
      ['cross-origin-resource-policy', 'same-origin'],
      ['content-security-policy', cspWithImageOrigins(mediaOrigins)],
    ];

    if (settings.secureSslRedirect) {
      // A callback hook, not async: it runs on every request, and a promise each is measurable.
      app.addHook('onRequest', (request, reply, done) => {
        if (isSecure(request) || routePolicy(request).sslRedirect === false) return done();
        try {
          // Never redirect to a host we don't serve (Django validates the Host here too).
          assertAllowedHost(request, settings.allowedHosts);
        } catch (error) {
          return done(error as Error);
        }
        // Answered here: done() is not called, so the request goes no further.
        reply.redirect(`https://${requestHost(request)}${request.url}`, 301);
      });
    }

    // A callback hook, not async: it runs on every response (no promise each).
    app.addHook('onSend', (request, reply, payload, done) => {
      for (const [name, value] of fixed) {
        if (!reply.hasHeader(name)) reply.header(name, value);
      }
      if (hsts && isSecure(request) && !reply.hasHeader('strict-transport-security')) {
        reply.header('strict-transport-security', hsts);
      }
      done(null, payload);
    });
  },
};
