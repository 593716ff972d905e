// Property-based bad input on the webhook route: whatever is mutated, never a 5xx, never an unverified
// event queued, and every rejection carries its documented status and a message. FUZZ_RUNS sets the size;
// the file prints how many cases it ran.
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS } from '../../../src/providers/support';
import { schedulerFor } from '../../../src/purge/scheduler';
import { decodeUtf8, utf8 } from '../../../src/lib/bytes';
import { TEST_BINDINGS } from '../../setup/bindings';
import { caseCounter, deeplyNested, headerValue, truncated, withInvalidUtf8 } from './arbitraries';
import { distributionConfig, ORIGIN, postWebhook, putConfig, workerFetch } from '../support/helpers';
import { casesConfig, delivery, PROVIDER_CASES, type ProviderCase } from '../support/provider-cases';

const RUNS = Number(env.FUZZ_RUNS);
// Each case is a request through the whole worker; allow for a slow, busy machine.
const TIMEOUT = 60_000 + RUNS * 1_000;
const DIST = 'dist-fuzz';
// A signed request stays inside every replay window (Contentful's is 30 s) for this long.
const RESIGN_MS = 15_000;
const count = caseCounter('fuzz-webhooks');

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

// https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html: SNS signs these fields
// of its JSON message (plus the signature's own), not the bytes; a change elsewhere (UnsubscribeURL,
// spacing) leaves the message as signed, so it is not a forgery.
const SNS_COVERED = [
  'Message',
  'MessageId',
  'Subject',
  'Timestamp',
  'TopicArn',
  'Type',
  'Signature',
  'SignatureVersion',
  'SigningCertURL',
];

function changesOnlyUnsignedSnsFields(c: ProviderCase, original: string, mutated: Uint8Array): boolean {
  if (c.signatureHeader !== 'Signature') return false;
  try {
    const before = JSON.parse(original) as Record<string, unknown>;
    const after = JSON.parse(decodeUtf8(mutated)) as Record<string, unknown>;
    return SNS_COVERED.every((key) => JSON.stringify(before[key]) === JSON.stringify(after[key]));
  } catch {
    return false;
  }
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
          fc.pre(!changesOnlyUnsignedSnsFields(c, body, request.body));
          count();
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
  const sourceIds = [...PROVIDER_CASES.map((c) => c.sourceId), 'no-such-source', '%2e%2e', 'a'.repeat(300)];
  // Every header a provider reads: its signature, delivery id and event headers, plus the generic ones.
  const names = new Set(['content-type', 'authorization', 'webhook-id', 'webhook-timestamp', 'webhook-signature']);
  for (const c of PROVIDER_CASES) {
    names.add(c.signatureHeader.toLowerCase());
    if (c.deliveryHeader) names.add(c.deliveryHeader.toLowerCase());
    for (const name of Object.keys(c.headers)) names.add(name.toLowerCase());
  }
  names.add('x-contentful-signed-headers');
  names.add('x-contentful-timestamp');
  const headerName = fc.constantFrom(...names);
  const sample = PROVIDER_CASES[0]!.body('fuzz');
  const tooLarge = new Uint8Array(Number(TEST_BINDINGS.MAX_BODY_BYTES) + 1).fill(0x20);

  it("lists every provider's signature header among the headers it sends", () => {
    for (const c of PROVIDER_CASES)
      if (c.signatureHeader !== 'Signature') expect(names).toContain(c.signatureHeader.toLowerCase());
  });

  it(
    'is answered with a documented status and an error message, never a 5xx',
    async () => {
      const body = fc.oneof(
        { arbitrary: fc.uint8Array({ maxLength: 2048 }), weight: 2 },
        { arbitrary: fc.json().map(utf8), weight: 2 },
        { arbitrary: fc.constantFrom(...PROVIDER_CASES.map((c) => c.body('fuzz'))).map(utf8), weight: 2 },
        { arbitrary: withInvalidUtf8(sample), weight: 1 },
        { arbitrary: truncated(sample), weight: 1 },
        { arbitrary: deeplyNested, weight: 1 },
        { arbitrary: fc.constant(tooLarge), weight: 1 },
      );
      const method = fc.oneof(
        { arbitrary: fc.constant('POST'), weight: 8 },
        fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...sourceIds),
          method,
          fc.dictionary(headerName, headerValue),
          body,
          async (source, verb, headers, bytes) => {
            count();
            const hasBody = verb !== 'GET';
            const response =
              verb === 'POST'
                ? await postWebhook(source, bytes, headers)
                : await workerFetch(
                    new Request(`${ORIGIN}/webhooks/${source}`, { method: verb, headers, body: hasBody ? bytes : undefined }),
                  );
            expect(response.status).toBeLessThan(500);
            if (response.status >= 400) {
              expect([400, 401, 404, 405, 413]).toContain(response.status);
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

/** Ledger rows recording a queued path: one more per enqueue, even of paths already pending. */
async function queuedRows(): Promise<number> {
  return runInDurableObject(schedulerFor(env, DIST), (_, state) => {
    const found = state.storage.sql.exec(`SELECT name FROM sqlite_master WHERE name = 'ledger'`).toArray();
    return found.length === 0
      ? 0
      : Number(state.storage.sql.exec(`SELECT count(*) AS n FROM ledger WHERE step = 'queued'`).one().n);
  });
}

// Runs last: the deliveries inside the window are genuine and queue paths.
describe.each(PROVIDER_CASES.filter((c) => c.toleranceMs !== undefined))('$provider with random signed timestamps', (c) => {
  it(
    'accepts a timestamp inside the replay window (ahead: the clock skew) and refuses one outside it with 401, queueing nothing',
    async () => {
      const tolerance = c.toleranceMs!;
      // A timestamp may lie ahead by the clock skew only (or the window, when shorter): src/providers/support.ts.
      const ahead = Math.min(tolerance, CLOCK_SKEW_MS);
      // Ages up to three windows into the past or the future, away from either edge (the clock moves while signing).
      const age = fc
        .double({ min: -3, max: 3, noNaN: true })
        .map((f) => Math.round(f * tolerance))
        .filter((ms) => Math.abs(ms - tolerance) > 0.1 * tolerance && Math.abs(-ms - ahead) > 0.1 * ahead);
      await fc.assert(
        fc.asyncProperty(age, async (ms) => {
          count();
          const { body, headers } = await delivery(c, { age: ms });
          const before = await queuedRows();
          const response = await postWebhook(c.sourceId, body, headers);
          const answer = await response.json<{ error?: string }>();
          if (ms >= 0 ? ms < tolerance : -ms < ahead) {
            expect(response.status).toBe(202);
          } else {
            expect(response.status).toBe(401);
            expect(answer.error).toMatch(/too old|future|expired/);
            expect(await queuedRows()).toBe(before);
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
