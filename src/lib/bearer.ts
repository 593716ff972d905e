// One bearer-token check for every route that takes one (/admin, /tags/{distribution}), in the shape of
// hono's `bearerAuth` (https://hono.dev/docs/middleware/builtin/bearer-auth): the expected token comes
// from a callback (a Worker secret, read per request), compared in constant time, 401 with
// `WWW-Authenticate` otherwise. The answers name no secret: anyone can ask.
import type { Context, Env as HonoEnv, MiddlewareHandler } from 'hono';
import { tooManyFailures, unauthorized } from '../errors';
import { tokensEqual } from './crypto';

export interface BearerAuthOptions<E extends HonoEnv> {
  realm: string;
  /** The expected token for this request; may throw (an unknown distribution is a 404, an unset secret a 500). */
  token: (c: Context<E>) => string | Promise<string>;
  /** Called once the token matched (the admin API marks the request as the operator's). */
  onValid?: (c: Context<E>) => void;
  /**
   * Throttling of wrong tokens: `wait` before the token is compared (no I/O: a right token costs nothing more),
   * `failed` after a wrong one; each gives the seconds the client must wait (a 429), or undefined.
   */
  throttle?: { wait: (c: Context<E>) => number | undefined; failed: (c: Context<E>) => Promise<number | undefined> };
}

/** The answers to a request without a token and with a wrong one: the same for every route, naming nothing. */
export const MISSING_BEARER = 'missing Authorization: Bearer <token> header';
export const WRONG_BEARER = 'token does not match';

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim() || undefined;
}

export function bearerAuth<E extends HonoEnv>(options: BearerAuthOptions<E>): MiddlewareHandler<E> {
  return async (c, next) => {
    const wait = options.throttle?.wait(c);
    if (wait !== undefined) throw tooManyFailures(wait);
    const expected = await options.token(c);
    const header = c.req.header('authorization');
    const given = bearerToken(header);
    if (given === undefined || !(await tokensEqual(given, expected))) {
      // A wrong token is a guess; a missing one is not, and is not counted.
      const blocked = given === undefined ? undefined : await options.throttle?.failed(c);
      if (blocked !== undefined) throw tooManyFailures(blocked);
      c.header('WWW-Authenticate', `Bearer realm="${options.realm}"`);
      throw unauthorized(given === undefined ? MISSING_BEARER : WRONG_BEARER);
    }
    options.onValid?.(c);
    await next();
  };
}
