// Console login: a form posting the admin token sets a signed session cookie; every state-changing form
// then needs the same origin (hono/csrf) and the session's CSRF token.
import type { MiddlewareHandler } from 'hono';
import { Hono } from '../lib/hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { clientKey, recordFailure, waitBeforeTrying } from '../lib/auth-throttle';
import { tokensEqual } from '../lib/crypto';
import { readAdminSettings } from '../settings';
import type { ConsoleContext, ConsoleEnv } from './api';
import { SESSION_COOKIE, SESSION_TTL_MS, csrfMatches, issueSession, readSession } from './session';

const COOKIE = { path: '/admin', httpOnly: true, secure: true, sameSite: 'Strict' } as const;

/** Where to go after login: only a console or docs page of this relay, never another site. */
const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/admin\/(ui|docs)(\/[\w./%?=&-]*)?$/.test(next) ? next : '/admin/ui';

export const currentSession = (c: ConsoleContext) =>
  readSession(readAdminSettings(c.env).ADMIN_TOKEN, getCookie(c, SESSION_COOKIE));

/** Pages need a session: a browser is sent to the login form, anything else gets a 401. */
export const requireSession: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  const session = await currentSession(c);
  if (!session) {
    if (c.req.method !== 'GET') return c.text('Your console session has ended; log in again.', 401);
    const here = new URL(c.req.url);
    return c.redirect(`/admin/ui/login?next=${encodeURIComponent(here.pathname + here.search)}`, 303);
  }
  c.set('session', session);
  await next();
};

const originCheck = csrf();

/** hono/csrf's check: an unsafe request's Origin (or Sec-Fetch-Site) must be this origin. */
async function fromThisOrigin(c: ConsoleContext): Promise<boolean> {
  try {
    await originCheck(c, async () => {});
    return true;
  } catch {
    return false;
  }
}

const CROSS_ORIGIN = "Refused: this form was not submitted from the console's own origin.";

const sameOrigin: MiddlewareHandler<ConsoleEnv> = async (c, next) =>
  (await fromThisOrigin(c)) ? next() : c.text(CROSS_ORIGIN, 403);

const UNREADABLE = 'This form could not be read (a broken form body); reload the page and try again.';

/** The posted form, or undefined when its body is not a readable form (a broken multipart body, say). */
async function readForm(c: ConsoleContext) {
  try {
    return await c.req.parseBody();
  } catch {
    return undefined;
  }
}

/** POST, PUT, DELETE: the request must come from this origin and carry the session's CSRF token. */
export const requireCsrf: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  if (!(await fromThisOrigin(c))) return c.text(CROSS_ORIGIN, 403);
  const form = await readForm(c);
  if (!form) return c.text(UNREADABLE, 400);
  if (!(await csrfMatches(readAdminSettings(c.env).ADMIN_TOKEN, c.get('session'), form._csrf))) {
    return c.text('This form has expired or did not come from the console; reload the page and try again.', 403);
  }
  await next();
};

function LoginPage({ nonce, next, error }: { nonce: string; next: string; error?: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="/admin/ui/favicon.svg" type="image/svg+xml" />
        <title>Log in · purge-relay</title>
        <style nonce={nonce}>
          {
            'body{font:15px system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}input,button{font:inherit;padding:.4rem;width:100%;margin:.3rem 0}.error{color:#b3261e}'
          }
        </style>
      </head>
      <body>
        <main>
          <h1>purge-relay console</h1>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <form method="post" action="/admin/ui/login">
            <input type="hidden" name="next" value={next} />
            <label for="token">Admin token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
            <button>Log in</button>
          </form>
          <p>
            The token is the relay's <code>ADMIN_TOKEN</code> secret. The session lasts {SESSION_TTL_MS / 3_600_000} hours.
          </p>
        </main>
      </body>
    </html>
  );
}

export const loginRoutes = new Hono<ConsoleEnv>()
  .get('/login', async (c) => {
    if (await currentSession(c)) return c.redirect(safeNext(c.req.query('next')), 303);
    return c.html(<LoginPage nonce={c.get('nonce')} next={safeNext(c.req.query('next'))} />);
  })
  // No session yet, so no session token: the origin check (and SameSite=Strict) stops login CSRF.
  .post('/login', sameOrigin, async (c) => {
    const form = await readForm(c);
    if (!form) return c.text(UNREADABLE, 400);
    const token = readAdminSettings(c.env).ADMIN_TOKEN;
    const next = safeNext(form.next);
    // The admin API's throttle (lib/auth-throttle.ts): a blocked address is refused before the token is compared.
    const key = clientKey('admin', c.req.raw.headers);
    const tooMany = (seconds: number) =>
      c.html(
        <LoginPage
          nonce={c.get('nonce')}
          next={next}
          error={`Too many wrong tokens from your address; try again in ${seconds} s.`}
        />,
        429,
        { 'Retry-After': String(seconds) },
      );
    const wait = waitBeforeTrying(key);
    if (wait !== undefined) return tooMany(wait);
    if (typeof form.token !== 'string' || !(await tokensEqual(form.token, token))) {
      const blocked = await recordFailure(c.env, key);
      if (blocked !== undefined) return tooMany(blocked);
      return c.html(
        <LoginPage nonce={c.get('nonce')} next={next} error="That token does not match the relay's ADMIN_TOKEN." />,
        401,
      );
    }
    const { cookie } = await issueSession(token);
    setCookie(c, SESSION_COOKIE, cookie, { ...COOKIE, maxAge: SESSION_TTL_MS / 1000 });
    return c.redirect(next, 303);
  })
  .post('/logout', requireSession, requireCsrf, (c) => {
    deleteCookie(c, SESSION_COOKIE, COOKIE);
    return c.redirect('/admin/ui/login', 303);
  });
