// Admin authentication: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time.
import { createMiddleware } from 'hono/factory';
import { unauthorized } from '../errors';
import { tokensEqual } from '../providers/crypto';
import { readSettings } from '../settings';

export const requireAdmin = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  const expected = readSettings(c.env).ADMIN_TOKEN;
  if (!match?.[1] || !(await tokensEqual(match[1].trim(), expected))) {
    c.header('WWW-Authenticate', 'Bearer realm="purge-relay admin"');
    throw unauthorized(match ? 'admin token does not match' : 'missing Authorization: Bearer <ADMIN_TOKEN> header');
  }
  await next();
});
