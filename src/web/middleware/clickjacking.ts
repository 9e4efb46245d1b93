/**
 * Stage 10, clickjacking (Django's XFrameOptionsMiddleware): `X-Frame-Options: DENY` and CSP
 * `frame-ancestors 'none'` on every response; a route opts out or relaxes it with `config.frameOptions`.
 */
import { routePolicy } from '../route-policy.js';
import type { Stage } from '../stage.js';

export const clickjacking: Stage = {
  name: 'clickjacking',
  requires: ['security'],
  register(app) {
    // A callback hook, not async: it runs on every response, and a promise each is measurable.
    app.addHook('onSend', (request, reply, payload, done) => {
      const option = routePolicy(request).frameOptions ?? 'DENY';
      if (option === false) return done(null, payload);
      if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', option);
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp === 'string' && !csp.includes('frame-ancestors')) {
        const ancestors = option === 'DENY' ? "'none'" : "'self'";
        reply.header('content-security-policy', `${csp}; frame-ancestors ${ancestors}`);
      }
      done(null, payload);
    });
  },
};
