// Property-based bad input on every admin route and console form (read from the app's route list):
// random and mutated requests never cause a 5xx, every refusal has its status and a message, and a
// rejected config is never stored. FUZZ_RUNS sets the size; the file prints how many cases it ran.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_BINDINGS } from '../../setup/bindings';
import { form, login, type Browser } from '../support/console';
import { brokenBodies, caseCounter, headerValue } from './arbitraries';
import { admin, baseConfig, ORIGIN, putConfig, workerFetch } from '../support/helpers';
import { adminApiRoutes, consoleRoutes, type Route } from '../support/intruders';

const RUNS = Number(env.FUZZ_RUNS);
// Each case is a request through the whole worker; allow for a slow, busy machine.
const TIMEOUT = 60_000 + RUNS * 1_000;
const count = caseCounter('fuzz-admin');

beforeAll(async () => {
  await putConfig(baseConfig());
});

/** A valid config with one value somewhere replaced by something random. */
const mutatedConfig = fc.tuple(fc.nat(), fc.jsonValue()).map(([pick, value]) => {
  const config = structuredClone(baseConfig()) as Record<string, unknown>;
  const holders: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach((v, i) => (holders.push([node, i]), walk(v)));
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) (holders.push([node as Record<string, unknown>, k]), walk(v));
  };
  walk(config);
  const [holder, key] = holders[pick % holders.length]!;
  (holder as Record<string | number, unknown>)[key] = value;
  return config;
});

async function expectClientError(response: Response, allowed: number[]) {
  expect(response.status).toBeLessThan(500);
  if (!allowed.includes(response.status)) throw new Error(`unexpected ${response.status}: ${await response.text()}`);
  const body = await response.json<{ error?: unknown }>();
  if (response.status >= 400) expect(typeof body.error).toBe('string');
}

describe('PUT /admin/config with random documents', () => {
  it(
    'answers 200 or a 4xx with a message, never a 5xx, and stores only valid documents',
    async () => {
      const document = fc.oneof(
        fc.jsonValue(),
        mutatedConfig,
        fc.integer({ min: 1, max: 3_000 }).map((d) => JSON.parse('['.repeat(d) + ']'.repeat(d))),
      );
      await fc.assert(
        fc.asyncProperty(document, async (doc) => {
          count();
          const response = await admin('/config', { method: 'PUT', body: JSON.stringify(doc) });
          await expectClientError(response.clone(), [200, 400, 422]);
          if (response.status !== 200) {
            const live = await admin('/config');
            if (live.status === 200) expect((await live.json<{ config: unknown }>()).config).not.toEqual(doc);
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'answers raw garbage bytes with 400',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
          count();
          const response = await admin('/config', { method: 'PUT', body: bytes });
          await expectClientError(response, [200, 400, 422]);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

describe('other admin routes with random bodies', () => {
  it(
    'never answer 5xx',
    async () => {
      await admin('/config', { method: 'PUT', body: JSON.stringify(baseConfig()) });
      const route = fc.constantFrom('/preview', '/purge');
      const body = fc.oneof(
        fc.jsonValue(),
        fc.record({
          source: fc.constantFrom('contentful', 'sanity', 'strapi', 'x'),
          headers: fc.dictionary(fc.string(), fc.string()),
          body: fc.jsonValue(),
        }),
        fc.record({ distribution: fc.constantFrom('main', 'x'), paths: fc.array(fc.string()), all: fc.boolean() }),
      );
      await fc.assert(
        fc.asyncProperty(route, body, async (path, doc) => {
          count();
          const response = await admin(path, { method: 'POST', body: JSON.stringify(doc) });
          await expectClientError(response, [200, 202, 400, 404]);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'refuse any token but the right one with 401',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x21-\x7e]/g, 'x')),
          async (token) => {
            count();
            const response = await workerFetch(`${ORIGIN}/admin/status`, {
              headers: { authorization: `Bearer ${token}` },
            });
            expect(response.status).toBe(401);
            await response.body?.cancel();
          },
        ),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

/** A valid body for each route that takes one: the starting point of its mutations. */
const VALID_BODIES: Record<string, unknown> = {
  'PUT /admin/config': baseConfig(),
  'POST /admin/config/rollback': { version: 1 },
  'PUT /admin/memory/:source': { documents: [{ id: 'doc-1', paths: [{ distribution: 'main', path: '/a' }] }] },
  'POST /admin/preview': { source: 'contentful', headers: {}, body: { sys: { type: 'Entry' }, fields: {} } },
  'POST /admin/purge': { distribution: 'main', paths: ['/a'], patterns: ['/b/*'], prefetch: [], all: false },
  'POST /admin/distributions/:name/dead-letters/:action{retry|drop}': { paths: ['/a'] },
  'POST /admin/distributions/:name/resume': {},
};

const PARAM_VALUES = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('main', 'contentful', 'sanity', '1', '0', '-1', '99999999', 'retry', 'drop', '..', 'evt-1'),
  fc.string({ maxLength: 40 }),
);

/** The route's path with each parameter kept (undefined) or replaced by a random, encoded value. */
function pathOf(route: Route, values: (string | undefined)[]): string {
  let i = 0;
  const filled = route.pattern.replace(/:(\w+)(?:\{[^}]*\})?/g, (param) => {
    const value = values[i++];
    return value === undefined ? route.path.split('/')[route.pattern.split('/').indexOf(param)]! : encodeURIComponent(value);
  });
  return filled;
}

const CONTENT_TYPES = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
);
const QUERY = fc.dictionary(
  fc.constantFrom('from', 'to', 'cursor', 'source', 'limit', 'next', 'x'),
  fc.string({ maxLength: 20 }),
  {
    maxKeys: 3,
  },
);
const ADMIN_STATUSES = [200, 202, 400, 404, 405, 409, 413, 415, 422];

describe('every admin route with random and mutated requests', () => {
  const routes = adminApiRoutes();

  it('covers every admin route the app registers', () => {
    expect(routes.length).toBeGreaterThanOrEqual(16);
    for (const key of Object.keys(VALID_BODIES)) expect(routes.map((r) => `${r.method} ${r.pattern}`)).toContain(key);
  });

  it(
    'answers a documented status, a JSON message for every refusal, and never a 5xx',
    async () => {
      const request = fc.constantFrom(...routes).chain((route) =>
        fc.record({
          route: fc.constant(route),
          method: fc.oneof(
            { arbitrary: fc.constant(route.method), weight: 5 },
            fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
          ),
          params: fc.array(PARAM_VALUES, { minLength: 3, maxLength: 3 }),
          query: QUERY,
          contentType: fc.option(CONTENT_TYPES),
          accept: fc.option(fc.constantFrom('application/json', '*/*', 'text/plain')),
          extra: fc.option(headerValue),
          body: brokenBodies(VALID_BODIES[`${route.method} ${route.pattern}`] ?? {}, 300_000),
        }),
      );
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          count();
          const url = `${ORIGIN}${pathOf(r.route, r.params)}?${new URLSearchParams(r.query)}`;
          const headers: Record<string, string> = { authorization: `Bearer ${TEST_BINDINGS.ADMIN_TOKEN}` };
          if (r.contentType !== null) headers['content-type'] = r.contentType;
          if (r.accept !== null) headers.accept = r.accept;
          if (r.extra !== null) headers['x-fuzz'] = r.extra;
          const hasBody = r.method !== 'GET';
          const response = await workerFetch(
            new Request(url, { method: r.method, headers, body: hasBody ? r.body : undefined, redirect: 'manual' }),
          );
          expect(response.status).toBeLessThan(500);
          if (!ADMIN_STATUSES.includes(response.status))
            throw new Error(`unexpected ${response.status}: ${await response.text()}`);
          // Pages (/admin/docs) answer HTML; every refusal is JSON with a message.
          if (response.status >= 400) expect(typeof (await response.json<{ error?: unknown }>()).error).toBe('string');
          else await response.body?.cancel();
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

const FORM_FIELDS = fc.constantFrom(
  'distribution',
  'paths',
  'patterns',
  'prefetch',
  'all',
  'action',
  'path',
  'document',
  'intent',
  'base',
  'source',
  'headers',
  'payload',
  'next',
);
const FORM_VALUES = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc.constantFrom('main', 'save', 'check', 'drop-all', 'retry-all', 'drop', '1', 'contentful', '/a\n/b'),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constant(JSON.stringify(baseConfig())),
);
const CONSOLE_STATUSES = [200, 303, 400, 403, 404, 409, 413, 422];

describe('every console form with random fields and bodies', () => {
  const posts = consoleRoutes().filter((r) => r.method === 'POST');
  let browser: Browser;

  beforeAll(async () => {
    browser = await login();
  });

  it(
    'answers a page, a redirect or a refusal with a message, never a 5xx',
    async () => {
      const body = fc.oneof(
        { arbitrary: fc.dictionary(FORM_FIELDS, FORM_VALUES, { maxKeys: 6 }).map((fields) => ({ fields })), weight: 4 },
        { arbitrary: brokenBodies({ _csrf: 'x' }).map((bytes) => ({ bytes })), weight: 1 },
      );
      const contentType = fc.constantFrom(
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'multipart/form-data',
        'application/json',
        'text/plain',
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...posts), body, contentType, async (route, input, type) => {
          count();
          const payload = 'fields' in input ? form({ ...input.fields, _csrf: browser.csrf }) : input.bytes;
          const headers: Record<string, string> = { cookie: browser.cookie, origin: ORIGIN };
          // A form body keeps its own type; raw bytes get a random one (a broken multipart body included).
          if ('bytes' in input) headers['content-type'] = type;
          const response = await workerFetch(
            new Request(`${ORIGIN}${route.path}`, { method: 'POST', body: payload, headers, redirect: 'manual' }),
          );
          expect(response.status, route.path).toBeLessThan(500);
          if (!CONSOLE_STATUSES.includes(response.status)) throw new Error(`unexpected ${response.status} from ${route.path}`);
          if (response.status >= 400) expect((await response.text()).length).toBeGreaterThan(0);
          else await response.body?.cancel();
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    'refuses every form whose CSRF token is not the session’s with 403',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...posts), fc.string({ maxLength: 60 }), async (route, token) => {
          fc.pre(token !== browser.csrf);
          count();
          const response = await browser.post(route.path, { _csrf: token, distribution: 'main', paths: '/fuzz' });
          expect(response.status).toBe(403);
          expect(await response.text()).toMatch(/did not come from the console/);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
