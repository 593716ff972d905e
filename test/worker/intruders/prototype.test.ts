// Prototype pollution (SECURITY.md, F2): a signed payload whose keys name a prototype never reaches one.
// The root (objects without prototypes where payload keys are written, options read as own properties),
// the refusal of such keys where bodies are parsed, and the frozen prototypes, each tested on its own.
import { beforeAll, describe, expect, it } from 'vitest';
import '../../../src/index';
import { contentful } from '../../../src/providers/contentful';
import { sourceOptions, toleranceMs } from '../../../src/providers/event';
import { getProvider } from '../../../src/providers/registry';
import { verbAction } from '../../../src/providers/generic-hmac';
import { parseJsonBody, prototypeKey, splitLocalized } from '../../../src/providers/support';
import { utf8 } from '../../../src/lib/bytes';
import { postWebhook, putConfig } from '../support/helpers';
import { caseFor, casesConfig, delivery } from '../support/provider-cases';
import { errorOf } from '../providers/helpers';

beforeAll(async () => {
  await putConfig(casesConfig());
});

/** The attack of the review: a Contentful locale key `__proto__` that carries settings other code reads. */
const POISONED_FIELDS = '{"slug":{"en-US":"a","__proto__":{"jwksUrl":"http://127.0.0.1:9/evil.json","toleranceSeconds":999999}}}';
const poisonedBody = (): string =>
  caseFor('contentful')
    .body('x')
    .replace(/"fields":\{.*\}\}$/, `"fields":${POISONED_FIELDS}}`);

const nothingLeaked = () => {
  const probe = {} as Record<string, unknown>;
  expect(probe.jwksUrl).toBeUndefined();
  expect(probe.toleranceSeconds).toBeUndefined();
  expect(probe.slug).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).slug).toBeUndefined();
};

describe('a signed payload with a __proto__ key', () => {
  it('is refused 400 with the key and where it is, and nothing reaches Object.prototype', async () => {
    const body = poisonedBody();
    expect(body).toContain('"__proto__"');
    const signed = await delivery(caseFor('contentful'), { body });
    const response = await postWebhook('contentful', signed.body, signed.headers);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toBe(
      'body holds the key "__proto__" (at fields.slug.__proto__), which webhook payloads may not use',
    );
    nothingLeaked();
  });

  it('finds constructor and prototype keys at any depth, in arrays too, without recursion', () => {
    expect(prototypeKey(JSON.parse('{"a":[{"b":{"constructor":{}}}]}'))).toEqual({ key: 'constructor', at: 'a.0.b.constructor' });
    expect(prototypeKey(JSON.parse('[[{"prototype":1}]]'))).toEqual({ key: 'prototype', at: '0.0.prototype' });
    const deep = '['.repeat(100_000) + '{"__proto__":1}' + ']'.repeat(100_000);
    expect(prototypeKey(JSON.parse(deep))?.key).toBe('__proto__');
    // Escaped forms decode to the same key.
    expect(() => parseJsonBody(utf8('{"__pro\\u0074o__":{}}'))).toThrow(/"__proto__"/);
    expect(prototypeKey({ proto: 1, constructors: [], "'__proto__'": 2 })).toBeUndefined();
  });
});

describe('the root: payload keys only ever land on objects without a prototype', () => {
  const request = { method: 'POST', url: new URL('https://relay.example/'), headers: new Headers(), body: utf8('{}') };

  it("Contentful's locale split refuses a key that is not a locale code, before writing anything", () => {
    const payload = JSON.parse(poisonedBody()) as unknown;
    expect(() => contentful.normalize(request, payload, {})).toThrow(
      'Contentful payload has a key that is not a locale code at fields.slug',
    );
    for (const key of ['constructor', 'toString', 'hasOwnProperty', 'en US', '']) {
      const fields = JSON.parse(`{"title":{"en-US":"a",${JSON.stringify(key)}:"b"}}`) as unknown;
      expect(() => contentful.normalize(request, { sys: { id: '1', type: 'Entry' }, fields }, {})).toThrow(/not a locale code/);
    }
    nothingLeaked();
  });

  it('keeps real locale codes, and their objects have no prototype', () => {
    const fields = { title: { 'en-US': 'Hi', 'zh-Hans-CN': '你好', 'es-419': 'Hola', de_CH: 'Grüezi' } };
    const [event] = contentful.normalize(request, { sys: { id: '1', type: 'Entry' }, fields }, {});
    expect(event?.locales).toEqual(['en-US', 'zh-Hans-CN', 'es-419', 'de_CH']);
    expect(Object.getPrototypeOf(event?.localized)).toBeNull();
    expect(Object.getPrototypeOf(event?.localized?.['en-US'])).toBeNull();
    expect(Object.getPrototypeOf(splitLocalized({ slug: { en: 'a', de: 'b' } }))).toBeNull();
  });

  it('maps no topic word to an inherited property', () => {
    for (const word of ['constructor', 'toString', '__proto__', 'valueOf']) expect(verbAction(word)).toBe('update');
  });

  it('reads options and the replay window as own properties only', () => {
    const saleor = getProvider('saleor')!;
    const options = sourceOptions(saleor, { secrets: [], options: {} });
    expect(Object.getPrototypeOf(options)).toBeNull();
    expect('jwksUrl' in options).toBe(false);
    // A source object whose prototype carries a window (as a polluted Object.prototype would).
    const inherited = Object.create({ toleranceSeconds: 999_999, options: { jwksUrl: 'http://evil' } }) as { secrets: string[] };
    inherited.secrets = [];
    expect(toleranceMs(getProvider('contentful')!, inherited)).toBe(getProvider('contentful')!.defaultToleranceMs);
    expect('jwksUrl' in sourceOptions(saleor, inherited)).toBe(false);
  });
});

describe('defence in depth: frozen prototypes', () => {
  it('freezes Object.prototype and Array.prototype at module start', () => {
    expect(Object.isFrozen(Object.prototype)).toBe(true);
    expect(Object.isFrozen(Array.prototype)).toBe(true);
    expect(Reflect.set(Object.prototype, 'polluted', 1)).toBe(false);
    expect(() => Object.defineProperty(Array.prototype, 'polluted', { value: 1 })).toThrow(TypeError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves Hono, zod and workerd working: a signed delivery is verified, parsed and queued', async () => {
    const signed = await delivery(caseFor('contentful'));
    expect((await postWebhook('contentful', signed.body, signed.headers)).status).toBe(202);
  });

  it("lets an object take a name the prototype holds as its own (no 'override mistake'), never the prototype", () => {
    // Assigned through a loosely typed view: exactly what zod does with a payload's keys.
    const record: Record<string, unknown> = Object.assign({}, {});
    Reflect.set(record, 'toString', 'mine');
    record['valueOf'] = 2;
    expect(Object.getOwnPropertyDescriptor(record, 'toString')).toMatchObject({
      value: 'mine',
      writable: true,
      enumerable: true,
    });
    expect(record['valueOf']).toBe(2);
    expect({}.toString()).toBe('[object Object]');
    const list: unknown[] = [];
    (list as unknown as Record<string, unknown>)['map'] = 'mine';
    expect(Object.hasOwn(list, 'map')).toBe(true);
    expect([1].map((n) => n + 1)).toEqual([2]);
    expect(() => {
      (Object.prototype as { toString: unknown }).toString = () => 'polluted';
    }).toThrow(TypeError);
    expect(String({})).toBe('[object Object]');
  });

  it("verifies and queues payloads whose keys are Object.prototype's names (zod builds records by assignment)", async () => {
    const shopify = caseFor('shopify');
    const body = shopify
      .body('x')
      .replace(/^\{/, '{"toString":"a","valueOf":1,"hasOwnProperty":true,"isPrototypeOf":null,"toLocaleString":[],');
    const signed = await delivery(shopify, { body });
    expect((await postWebhook('shopify', signed.body, signed.headers)).status).toBe(202);
    const contentful = caseFor('contentful');
    const fields = contentful.body('x').replace('"fields":{', '"fields":{"toString":{"en-US":"a"},"valueOf":{"en-US":1},');
    const cf = await delivery(contentful, { body: fields });
    expect((await postWebhook('contentful', cf.body, cf.headers)).status).toBe(202);
    nothingLeaked();
  });
});
