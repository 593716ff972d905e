// The console's login: the form, the session cookie's flags and expiry, CSRF protection, logout, and who
// may read /admin/docs and /admin/openapi.json.
import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, SESSION_TTL_MS, issueSession } from '../../../src/ui/session';
import { TEST_BINDINGS } from '../../setup/bindings';
import { ADMIN, ORIGIN, baseConfig, putConfig, workerFetch } from '../support/helpers';
import { form, login, postLogin } from '../support/console';

const page = (path: string, cookie = '', headers: Record<string, string> = {}) =>
  workerFetch(new Request(`${ORIGIN}${path}`, { headers: { cookie, accept: 'text/html', ...headers }, redirect: 'manual' }));

beforeAll(async () => {
  await putConfig(baseConfig());
});

describe('console login', () => {
  it('sends a browser without a session to the login form, remembering where it was going', async () => {
    const response = await page('/admin/ui/deliveries?source=strapi');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/ui/login?next=%2Fadmin%2Fui%2Fdeliveries%3Fsource%3Dstrapi');
  });

  it('serves the login form with a strict Content-Security-Policy and no caching', async () => {
    const response = await page('/admin/ui/login');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<input id="token" name="token" type="password"');
    expect(response.headers.get('content-security-policy')).toMatch(
      /default-src 'none'; style-src 'nonce-[^']+'; script-src 'nonce-/,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a wrong token with a 401 page and sets no cookie', async () => {
    const response = await postLogin('not-the-admin-token');
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('That token does not match');
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('sets an HttpOnly, Secure, SameSite=Strict session cookie for the right token and redirects', async () => {
    const response = await postLogin(TEST_BINDINGS.ADMIN_TOKEN);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/ui');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=v1\\.`));
    for (const flag of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/admin', `Max-Age=${SESSION_TTL_MS / 1000}`])
      expect(cookie).toContain(flag);
    expect(cookie).not.toContain(TEST_BINDINGS.ADMIN_TOKEN);
  });

  it('refuses a login form posted from another origin (login CSRF)', async () => {
    const response = await postLogin(TEST_BINDINGS.ADMIN_TOKEN, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('never redirects after login to another site', async () => {
    const body = form({ token: TEST_BINDINGS.ADMIN_TOKEN, next: '//evil.example/admin/ui' });
    const response = await workerFetch(
      new Request(`${ORIGIN}/admin/ui/login`, { method: 'POST', body, headers: { origin: ORIGIN }, redirect: 'manual' }),
    );
    expect(response.headers.get('location')).toBe('/admin/ui');
  });
});

describe('console sessions', () => {
  it('refuses an expired session', async () => {
    const { cookie } = await issueSession(TEST_BINDINGS.ADMIN_TOKEN, Date.now() - SESSION_TTL_MS - 1_000);
    const response = await page('/admin/ui', `${SESSION_COOKIE}=${cookie}`);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/admin\/ui\/login/);
  });

  it('accepts a session until it expires', async () => {
    const { cookie } = await issueSession(TEST_BINDINGS.ADMIN_TOKEN, Date.now() - SESSION_TTL_MS + 60_000);
    expect((await page('/admin/ui', `${SESSION_COOKIE}=${cookie}`)).status).toBe(200);
  });

  it('refuses a cookie whose expiry was changed, and one signed under another admin token', async () => {
    const { cookie } = await issueSession(TEST_BINDINGS.ADMIN_TOKEN, Date.now() - SESSION_TTL_MS - 1_000);
    const [v, , nonce, mac] = cookie.split('.');
    const extended = [v, (Date.now() + SESSION_TTL_MS).toString(36), nonce, mac].join('.');
    expect((await page('/admin/ui', `${SESSION_COOKIE}=${extended}`)).status).toBe(303);
    const other = await issueSession('a-previous-admin-token-value');
    expect((await page('/admin/ui', `${SESSION_COOKIE}=${other.cookie}`)).status).toBe(303);
  });

  it('ends the session on logout', async () => {
    const browser = await login();
    const response = await browser.post('/admin/ui/logout', {});
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toMatch(
      new RegExp(`^${SESSION_COOKIE}=; Max-Age=0; Path=/admin; HttpOnly; Secure; SameSite=Strict`),
    );
  });

  it('does not open the admin API to the cookie: it still needs the bearer token', async () => {
    const browser = await login();
    expect((await browser.get('/admin/config')).status).toBe(401);
  });
});

describe('CSRF protection on every form that changes something', () => {
  it('accepts a form with the session token from the same origin', async () => {
    const browser = await login();
    const response = await browser.post('/admin/ui/purge', { distribution: 'main', paths: '/csrf-ok' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Queued 1 path(s)');
  });

  it('refuses a form without the token, or with another session’s token', async () => {
    const browser = await login();
    const other = await login();
    const missing = await workerFetch(
      new Request(`${ORIGIN}/admin/ui/purge`, {
        method: 'POST',
        body: form({ distribution: 'main', paths: '/x' }),
        headers: { cookie: browser.cookie, origin: ORIGIN },
      }),
    );
    expect(missing.status).toBe(403);
    const foreign = await workerFetch(
      new Request(`${ORIGIN}/admin/ui/purge`, {
        method: 'POST',
        body: form({ _csrf: other.csrf, distribution: 'main', paths: '/x' }),
        headers: { cookie: browser.cookie, origin: ORIGIN },
      }),
    );
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toContain('did not come from the console');
  });

  it('refuses a form from another origin even with the right token', async () => {
    const browser = await login();
    const response = await browser.post(
      '/admin/ui/purge',
      { distribution: 'main', paths: '/x' },
      { origin: 'https://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("not submitted from the console's own origin");
  });

  it('answers a form posted after the session ended with 401, not a redirect', async () => {
    const response = await workerFetch(
      new Request(`${ORIGIN}/admin/ui/purge`, {
        method: 'POST',
        body: form({ paths: '/x' }),
        headers: { origin: ORIGIN },
        redirect: 'manual',
      }),
    );
    expect(response.status).toBe(401);
  });
});

describe('API docs access', () => {
  it('serves /admin/openapi.json with the bearer token or a console session, not to anyone', async () => {
    expect((await workerFetch(`${ORIGIN}/admin/openapi.json`)).status).toBe(401);
    expect((await workerFetch(`${ORIGIN}/admin/openapi.json`, { headers: ADMIN })).status).toBe(200);
    const browser = await login();
    expect((await browser.get('/admin/openapi.json')).status).toBe(200);
  });

  it('sends a browser without a session from /admin/docs to the login form', async () => {
    const response = await page('/admin/docs');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/ui/login?next=%2Fadmin%2Fdocs');
  });
});
