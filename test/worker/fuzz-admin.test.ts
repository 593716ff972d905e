// Property-based bad input on the admin API: random and mutated documents never cause a 5xx, and a
// rejected config is never stored. FUZZ_RUNS sets the size.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admin, baseConfig, ORIGIN, workerFetch } from './helpers';

const RUNS = Number(env.FUZZ_RUNS);
// Each case is a request through the whole worker; allow for a slow, busy machine.
const TIMEOUT = 60_000 + RUNS * 1_000;

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
