// Property-based bad input on the webhook route: whatever is mutated, never a 5xx, never an unverified
// event queued, and every rejection carries its documented status and a message. FUZZ_RUNS sets the size.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { schedulerFor } from '../../src/purge/enqueue';
import { utf8 } from '../../src/lib/bytes';
import { distributionConfig, postWebhook, putConfig } from './helpers';
import { casesConfig, delivery, PROVIDER_CASES, type ProviderCase } from './provider-cases';

const RUNS = Number(env.FUZZ_RUNS);
// Each case is a request through the whole worker; allow for a slow, busy machine.
const TIMEOUT = 60_000 + RUNS * 1_000;
const DIST = 'dist-fuzz';
// A signed request stays inside every replay window (Contentful's is 30 s) for this long.
const RESIGN_MS = 15_000;

type Mutation = (request: { body: Uint8Array; headers: Record<string, string> }) => void;

const byteFlip = fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }).map(({ at, xor }): Mutation => (r) => {
  const i = at % r.body.length;
  r.body[i] = r.body[i]! ^ xor;
});
const truncate = fc.nat().map(
  (n): Mutation =>
    (r) =>
      void (r.body = r.body.slice(0, n % r.body.length)),
);
const append = fc.uint8Array({ minLength: 1, maxLength: 64 }).map(
  (extra): Mutation =>
    (r) =>
      void (r.body = new Uint8Array([...r.body, ...extra])),
);
const replaceBody = fc.uint8Array({ maxLength: 512 }).map(
  (bytes): Mutation =>
    (r) =>
      void (r.body = bytes),
);

function mutations(c: ProviderCase, signedNames: string[]) {
  const name = fc.constantFrom(...(signedNames.length > 0 ? signedNames : ['unused']));
  const drop = name.map(
    (n): Mutation =>
      (r) =>
        void delete r.headers[n],
  );
  const garble = fc
    .tuple(name, fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.integer().map(String), fc.constant('')))
    .map(([n, value]): Mutation => (r) => {
      // Headers must be ByteStrings; keep what a client could actually send.
      r.headers[n] = value.replace(/[^\x20-\x7e]/g, '?');
    });
  const body = [byteFlip, truncate, append, replaceBody];
  // A shared-secret platform signs nothing, so changing its body is not detectable (nor an attack).
  if (c.signsBody === false) return [drop, garble];
  return signedNames.length > 0 ? [drop, garble, ...body] : body;
}

const CONFIG = { ...casesConfig(), distributions: { main: { id: DIST, coalesceMs: 600_000 } } };

async function pendingPaths(): Promise<number> {
  const { pending } = await schedulerFor(env, DIST).status(await distributionConfig(CONFIG));
  return Object.values(pending).reduce((n, v) => n + v, 0);
}

beforeAll(async () => {
  // A long coalescing window: anything wrongly accepted would still be queued when checked.
  await putConfig(CONFIG);
});

// Prismic carries its secret inside the JSON body among unsigned content, so no byte of it is
// "signed"; its wrong-secret and missing-secret cases are in the contract suite.
describe.each(PROVIDER_CASES.filter((c) => !c.embed))('$provider under mutation', (c) => {
  it(
    'rejects every change to what is signed with 400/401/413 and a message, and queues nothing',
    async () => {
      // Caching a signed delivery keeps each case cheap; it stays well inside every replay window.
      let signed = { at: 0, body: '', headers: {} as Record<string, string> };
      const fresh = async () => {
        if (Date.now() - signed.at > RESIGN_MS) signed = { at: Date.now(), ...(await delivery(c)) };
        return signed;
      };
      const first = await fresh();
      const signedNames = Object.keys(await c.sign(first.body, c.secret));
      await fc.assert(
        fc.asyncProperty(fc.oneof(...mutations(c, signedNames)), async (mutate) => {
          const { body, headers } = await fresh();
          const request = { body: utf8(body), headers: { ...headers } };
          mutate(request);
          const response = await postWebhook(c.sourceId, request.body, request.headers);
          const answer = await response.json<{ error?: unknown }>();
          expect([400, 401, 413]).toContain(response.status);
          expect(typeof answer.error).toBe('string');
        }),
        { numRuns: RUNS },
      );
      expect(await pendingPaths()).toBe(0);
    },
    TIMEOUT,
  );
});

describe('any request to the webhook route', () => {
  const sourceIds = [...PROVIDER_CASES.map((c) => c.sourceId), 'no-such-source'];
  const headerName = fc.constantFrom(
    'content-type',
    'x-contentful-signature',
    'x-contentful-signed-headers',
    'x-contentful-timestamp',
    'sanity-webhook-signature',
    'x-shopify-hmac-sha256',
    'authorization',
    'webhook-id',
    'webhook-timestamp',
    'webhook-signature',
    'content-length',
  );
  const printable = fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));

  it(
    'is answered with a documented status and an error message, never a 5xx',
    async () => {
      const body = fc.oneof(
        fc.uint8Array({ maxLength: 2048 }),
        fc.json().map(utf8),
        fc.nat({ max: 5_000 }).map((depth) => utf8('['.repeat(depth) + ']'.repeat(depth))),
        fc.nat({ max: 5_000 }).map((depth) => utf8('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...sourceIds),
          fc.dictionary(headerName, printable),
          body,
          async (source, headers, bytes) => {
            delete headers['content-length'];
            const response = await postWebhook(source, bytes, headers);
            expect(response.status).toBeLessThan(500);
            if (response.status >= 400) {
              expect([400, 401, 404, 413]).toContain(response.status);
              expect(typeof (await response.json<{ error?: unknown }>()).error).toBe('string');
            } else {
              await response.body?.cancel();
            }
          },
        ),
        { numRuns: RUNS },
      );
      expect(await pendingPaths()).toBe(0);
    },
    TIMEOUT,
  );
});
