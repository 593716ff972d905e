// Property (SECURITY.md, F2): whichever provider, whichever level of its payload, a genuinely signed body
// holding a `__proto__`, `constructor` or `prototype` key, or a name the prototypes hold (`toString`, `map`…),
// is answered 4xx or 2xx, never 5xx, and nothing reaches or changes Object.prototype or Array.prototype. FUZZ_RUNS sets the size; the file prints how many cases it ran.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { prototypeKey } from '../../../src/providers/support';
import { caseCounter } from './arbitraries';
import { postWebhook, putConfig } from '../support/helpers';
import { casesConfig, delivery, PROVIDER_CASES } from '../support/provider-cases';

const RUNS = Number(env.FUZZ_RUNS);
const TIMEOUT = 60_000 + RUNS * 1_000;
const count = caseCounter('fuzz-prototype');
const KEYS = ['__proto__', 'constructor', 'prototype'] as const;
/** Names Object.prototype and Array.prototype hold: not refused, they must simply stay the payload's own keys. */
const INHERITED_NAMES = [
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'toLocaleString',
  '__defineGetter__',
  'map',
  'length',
];

/** Values the review's attack wrote through such a key: settings other code reads, and plain junk. */
const poison = fc.oneof(
  fc.constant({ jwksUrl: 'http://127.0.0.1:9/evil.json', toleranceSeconds: 999_999, polluted: 'yes' }),
  fc.constant({ 'en-US': { polluted: 'yes' } }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** How many objects a JSON value holds (pre-order), arrays' members included. */
function objectCount(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + objectCount(v), 0);
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Object.values(value).reduce<number>((n, v) => n + objectCount(v), 0);
}

/** `value` as JSON text, with `"key": extra` as the first member of its `target`-th object (pre-order). */
function withKeyAt(value: unknown, target: number, key: string, extra: unknown): string {
  let seen = -1;
  const write = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
    if (typeof v !== 'object' || v === null) return JSON.stringify(v);
    const members = Object.entries(v).map(([k, m]) => `${JSON.stringify(k)}:${write(m)}`);
    if (++seen === target) members.unshift(`${JSON.stringify(key)}:${JSON.stringify(extra)}`);
    return `{${members.join(',')}}`;
  };
  return write(value);
}

const OBJECT_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
const ARRAY_NAMES = Object.getOwnPropertyNames(Array.prototype).sort();
/** What each name of the prototypes reads as now: the same values must read afterwards. */
const snapshot = (proto: object) => Object.fromEntries(Object.getOwnPropertyNames(proto).map((n) => [n, Reflect.get(proto, n)]));
const OBJECT_VALUES = snapshot(Object.prototype);
const ARRAY_VALUES = snapshot(Array.prototype);

function nothingLeaked(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(OBJECT_NAMES);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(ARRAY_NAMES);
  for (const [name, value] of Object.entries(OBJECT_VALUES))
    if (name !== '__proto__') expect(Reflect.get(Object.prototype, name)).toBe(value);
  for (const [name, value] of Object.entries(ARRAY_VALUES)) expect(Reflect.get(Array.prototype, name)).toBe(value);
  const probe = {} as Record<string, unknown>;
  for (const name of ['polluted', 'jwksUrl', 'toleranceSeconds', 'en-US', 'anything']) expect(probe[name]).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

beforeAll(async () => {
  await putConfig(casesConfig());
});

describe('prototype keys in every provider payload', () => {
  it(
    'are answered 4xx or 2xx, never 5xx, and never reach a prototype',
    async () => {
      const cases = fc.constantFrom(...PROVIDER_CASES);
      await fc.assert(
        fc.asyncProperty(cases, fc.nat(), fc.constantFrom(...KEYS, ...INHERITED_NAMES), poison, async (c, at, key, extra) => {
          count();
          const plain = JSON.parse(c.body(crypto.randomUUID())) as unknown;
          const body = withKeyAt(plain, at % Math.max(1, objectCount(plain)), key, extra);
          const signed = await delivery(c, { body });
          const response = await postWebhook(c.sourceId, signed.body, signed.headers);
          const status = response.status;
          expect((status >= 200 && status < 300) || (status >= 400 && status < 500)).toBe(true);
          await response.body?.cancel();
          nothingLeaked();
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it('are found by the body parser at every level of every provider payload, each key', () => {
    for (const c of PROVIDER_CASES) {
      const plain = JSON.parse(c.body('x')) as unknown;
      expect(objectCount(plain)).toBeGreaterThan(0);
      for (let at = 0; at < objectCount(plain); at++)
        for (const key of KEYS) expect(prototypeKey(JSON.parse(withKeyAt(plain, at, key, {})))?.key).toBe(key);
    }
  });
});
