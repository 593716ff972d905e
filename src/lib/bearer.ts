// One bearer-token check for every route that takes one (/admin, /tags/{distribution}), in the shape of
// hono's `bearerAuth` (https://hono.dev/docs/middleware/builtin/bearer-auth): the expected token comes
// from a callback (a Worker secret, read per request), compared in constant time, 401 with
// `WWW-Authenticate` otherwise.
import type { Context, Env as HonoEnv, MiddlewareHandler } from 'hono';
import { unauthorized } from '../errors';
import { tokensEqual } from './crypto';

export interface BearerAuthOptions<E extends HonoEnv> {
  realm: string;
  /** The expected token for this request; may throw (an unknown distribution is a 404, an unset secret a 500). */
  token: (c: Context<E>) => string | Promise<string>;
  /** The token's name in the answer to a request without one (the secret's name: `ADMIN_TOKEN`). */
  name: (c: Context<E>) => string;
  /** The token in words, for the answer to a wrong one (`admin token`). */
  what: string;
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim() || undefined;
}

export function bearerAuth<E extends HonoEnv>(options: BearerAuthOptions<E>): MiddlewareHandler<E> {
  return async (c, next) => {
    const expected = await options.token(c);
    const header = c.req.header('authorization');
    const given = bearerToken(header);
    if (given === undefined || !(await tokensEqual(given, expected))) {
      c.header('WWW-Authenticate', `Bearer realm="${options.realm}"`);
      throw unauthorized(
        given === undefined ? `missing Authorization: Bearer <${options.name(c)}> header` : `${options.what} does not match`,
      );
    }
    await next();
  };
}
