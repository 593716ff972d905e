// Admin authentication: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
import { bearerAuth } from '../lib/bearer';
import { clientKey, recordFailure, waitBeforeTrying } from '../lib/auth-throttle';
import { readAdminSettings } from '../settings';

/** The admin API's context: `operator` is set once the token matched. */
export type AdminEnv = { Bindings: Env; Variables: { operator?: true } };

export const requireAdmin = bearerAuth<AdminEnv>({
  realm: 'purge-relay admin',
  token: (c) => readAdminSettings(c.env).ADMIN_TOKEN,
  // From here on an error may tell its internal detail (app.ts): the caller is the operator.
  onValid: (c) => c.set('operator', true),
  throttle: {
    wait: (c) => waitBeforeTrying(clientKey('admin', c.req.raw.headers)),
    failed: (c) => recordFailure(c.env, clientKey('admin', c.req.raw.headers)),
  },
});
