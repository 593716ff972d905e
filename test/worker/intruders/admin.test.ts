// Intruders at the admin API and the console: every route (read from the app's route list) refuses a
// missing, wrong or malformed token with 401 and a message; the token check is constant time; no CORS;
// every console form refuses a missing or foreign CSRF token and a foreign Origin, changing nothing.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tokensEqual } from '../../../src/lib/crypto';
import { TEST_BINDINGS } from '../../setup/bindings';
import { form, login } from '../support/console';
import { ORIGIN, baseConfig, putConfig, workerFetch } from '../support/helpers';
import { adminApiRoutes, CHUNK, consoleRoutes, endlessBody, kvSnapshot, queuedSnapshot } from '../support/intruders';

const TOKEN = TEST_BINDINGS.ADMIN_TOKEN;
const EVIL = 'https://evil.example';

function call(method: string, path: string, headers: Record<string, string> = {}, body?: BodyInit) {
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return workerFetch(
    new Request(`${ORIGIN}${path}`, { method, headers, body: hasBody ? (body ?? '{}') : undefined, redirect: 'manual' }),
  );
}

const BAD_AUTHORIZATION: [string, Record<string, string>, RegExp][] = [
  ['no Authorization header', {}, /missing Authorization: Bearer/],
  ['a wrong token', { authorization: 'Bearer wrong-token-0123456789' }, /does not match/],
  ['the token with one character changed', { authorization: `Bearer ${TOKEN.slice(0, -1)}x` }, /does not match/],
  ['a prefix of the token', { authorization: `Bearer ${TOKEN.slice(0, 8)}` }, /does not match/],
  ['the token plus a suffix', { authorization: `Bearer ${TOKEN}0` }, /does not match/],
  ['the token under Basic', { authorization: `Basic ${btoa(`admin:${TOKEN}`)}` }, /missing Authorization: Bearer/],
  ['the bare token', { authorization: TOKEN }, /missing Authorization: Bearer/],
  ['Bearer without a token', { authorization: 'Bearer ' }, /missing Authorization: Bearer/],
  ['the token as a query or cookie only', { cookie: `token=${TOKEN}` }, /missing Authorization: Bearer/],
];

beforeAll(async () => {
  await putConfig(baseConfig());
});

describe('the admin API', () => {
  const routes = adminApiRoutes();

  it('is read from the app itself and includes every documented admin route', () => {
    const listed = routes.map((r) => `${r.method} ${r.pattern}`);
    for (const route of ['PUT /admin/config', 'POST /admin/config/rollback', 'GET /admin/config/diff', 'POST /admin/purge'])
      expect(listed).toContain(route);
    expect(listed).toContain('POST /admin/distributions/:name/dead-letters/:action{retry|drop}');
    expect(routes.length).toBeGreaterThanOrEqual(16);
  });

  describe.each(routes)('$method $pattern', (route) => {
    it.each(BAD_AUTHORIZATION)('answers %s with 401, a Bearer challenge and a message', async (_, headers, message) => {
      const response = await call(route.method, route.path, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="purge-relay admin"');
      expect((await response.json<{ error: string }>()).error).toMatch(message);
    });

    it('lets the right token through to the handler', async () => {
      // Harmless bodies: `{}` is refused by every handler that would change something.
      const response = await call(route.method, route.path, { authorization: `Bearer ${TOKEN}`, accept: 'application/json' });
      expect(response.status).not.toBe(401);
      expect(response.status).toBeLessThan(500);
      await response.body?.cancel();
    });

    it('sends no CORS headers to a preflight or to a cross-origin request', async () => {
      const preflight = await call('OPTIONS', route.path, {
        origin: EVIL,
        'access-control-request-method': route.method,
        'access-control-request-headers': 'authorization, content-type',
      });
      const cross = await call(route.method, route.path, { origin: EVIL, authorization: `Bearer ${TOKEN}` });
      for (const response of [preflight, cross]) {
        const cors = [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));
        expect(cors).toEqual([]);
        await response.body?.cancel();
      }
      expect(preflight.status).not.toBe(204);
    });
  });

  it('does not open with the console session cookie alone', async () => {
    const browser = await login();
    for (const route of routes.filter((r) => r.method === 'GET' && !/openapi|docs/.test(r.pattern))) {
      const response = await call(route.method, route.path, { cookie: browser.cookie });
      expect(response.status, route.path).toBe(401);
      await response.body?.cancel();
    }
  });
});

describe('tokensEqual, the constant-time comparison behind the token and login checks', () => {
  it('is true only for the exact token', async () => {
    expect(await tokensEqual(TOKEN, TOKEN)).toBe(true);
    for (const other of ['', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), `${TOKEN.slice(0, -1)}\0`])
      expect(await tokensEqual(other, TOKEN)).toBe(false);
  });

  it('compares two SHA-256 digests with crypto.subtle.timingSafeEqual, whatever the lengths given', async () => {
    const spy = vi.spyOn(crypto.subtle, 'timingSafeEqual');
    try {
      for (const given of ['x', TOKEN, 'y'.repeat(4_096)]) await tokensEqual(given, TOKEN);
      expect(spy).toHaveBeenCalledTimes(3);
      // Equal-length inputs every time: neither the content nor the length of the token leaks.
      for (const [a, b] of spy.mock.calls) expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the console', () => {
  const routes = consoleRoutes();
  const posts = routes.filter((r) => r.method === 'POST');

  it('is read from the app itself: every form that changes something is listed', () => {
    const listed = posts.map((r) => r.pattern);
    for (const form of ['/admin/ui/purge', '/admin/ui/config', '/admin/ui/dead-letters', '/admin/ui/resume', '/admin/ui/logout'])
      expect(listed).toContain(form);
  });

  // A redirect to /admin/ui, and the icon the login page shows too: static, no data.
  const PUBLIC = ['/admin/ui/', '/admin/ui/favicon.svg'];

  it('serves only the fixed icon without a session', async () => {
    const response = await call('GET', '/admin/ui/favicon.svg', {});
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(await response.text()).toMatch(/^<svg [^]*<\/svg>$/);
  });

  it.each(routes.filter((r) => r.method === 'GET' && !PUBLIC.includes(r.pattern)))(
    'sends a browser without a session from GET $pattern to the login form',
    async (route) => {
      const response = await call('GET', route.path, { accept: 'text/html', cookie: 'purge_relay_session=v1.forged' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toMatch(/^\/admin\/ui\/login\?next=/);
    },
  );

  // Fields that would change something on every form if the request were accepted.
  const fields = {
    distribution: 'main',
    paths: '/csrf-probe',
    all: '1',
    action: 'drop-all',
    intent: 'save',
    document: JSON.stringify(baseConfig({ rules: [] })),
    source: 'contentful',
    payload: '{}',
  };

  describe.each(posts)('POST $pattern', (route) => {
    it('answers 401 without a session', async () => {
      const response = await call('POST', route.path, { origin: ORIGIN }, form(fields));
      expect(response.status).toBe(401);
      expect(await response.text()).toMatch(/session has ended/);
    });

    it('refuses a missing or foreign CSRF token and a foreign Origin with 403, and changes nothing', async () => {
      const browser = await login();
      const other = await login();
      const before = { kv: await kvSnapshot(), queued: await queuedSnapshot() };
      const attempts: [Record<string, string>, Record<string, string>, RegExp][] = [
        [{}, { origin: ORIGIN }, /did not come from the console/],
        [{ _csrf: other.csrf }, { origin: ORIGIN }, /did not come from the console/],
        [{ _csrf: 'A'.repeat(43) }, { origin: ORIGIN }, /did not come from the console/],
        [{ _csrf: browser.csrf }, { origin: EVIL }, /own origin/],
        [{ _csrf: browser.csrf }, { origin: 'null' }, /own origin/],
      ];
      for (const [token, headers, message] of attempts) {
        const response = await call('POST', route.path, { cookie: browser.cookie, ...headers }, form({ ...fields, ...token }));
        expect(response.status).toBe(403);
        expect(response.headers.get('set-cookie')).toBeNull();
        expect(await response.text()).toMatch(message);
      }
      expect({ kv: await kvSnapshot(), queued: await queuedSnapshot() }).toEqual(before);
    });
  });
});

describe('the console forms’ body limit', () => {
  it.each(['/admin/ui/login', '/admin/ui/purge'])(
    'answers 413 to an endless form posted to %s and stops reading near the limit',
    async (path) => {
      const { stream, counter } = endlessBody();
      const browser = await login();
      const response = await workerFetch(
        new Request(`${ORIGIN}${path}`, {
          method: 'POST',
          body: stream,
          headers: { origin: ORIGIN, cookie: browser.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        }),
      );
      expect(response.status).toBe(413);
      expect(await response.text()).toBe(`body is larger than the ${TEST_BINDINGS.MAX_BODY_BYTES}-byte limit`);
      expect(counter.pulled).toBeLessThan((2 * Number(TEST_BINDINGS.MAX_BODY_BYTES)) / CHUNK);
    },
  );
});
