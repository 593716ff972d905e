// Admin authentication: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
import { bearerAuth } from '../lib/bearer';
import { readAdminSettings } from '../settings';

export const requireAdmin = bearerAuth<{ Bindings: Env }>({
  realm: 'purge-relay admin',
  token: (c) => readAdminSettings(c.env).ADMIN_TOKEN,
  name: () => 'ADMIN_TOKEN',
  what: 'admin token',
});
