/**
 * Stage 10, clickjacking (Django's XFrameOptionsMiddleware): `X-Frame-Options: DENY` and CSP
 * `frame-ancestors 'none'` on every response; a route opts out or relaxes it with `config.frameOptions`.
 */
import { BoundedMemo } from '../../bounded-memo.js';
import { routePolicy } from '../route-policy.js';
import type { Stage } from '../stage.js';

export const clickjacking: Stage = {
  name: 'clickjacking',
  requires: ['security'],
  register(app) {
    // Joined once per policy: almost every response carries the security stage's one policy, and
    // joining two long strings anew each time showed in the profile.
    const withAncestors = {
      DENY: new BoundedMemo((policy) => `${policy}; frame-ancestors 'none'`, 16, 4096),
      SAMEORIGIN: new BoundedMemo((policy) => `${policy}; frame-ancestors 'self'`, 16, 4096),
    };
    // A callback hook, not async: it runs on every response, and a promise each is measurable.
    app.addHook('onSend', (request, reply, payload, done) => {
      const option = routePolicy(request).frameOptions ?? 'DENY';
      if (option === false) return done(null, payload);
      if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', option);
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp === 'string' && !csp.includes('frame-ancestors')) {
        reply.header('content-security-policy', withAncestors[option].get(csp));
      }
      done(null, payload);
    });
  },
};
