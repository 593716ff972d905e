// Remembered paths: a slug change, an unpublish and an id-only payload purge the old URLs; the memory is bounded.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { RelayError } from '../../../src/errors';
import { compileConfig, type MemoryItem } from '../../../src/rules/matcher';
import { parseConfig } from '../../../src/rules/schema';
import type { LoadedConfig } from '../../../src/rules/store';
import { PathMemory } from '../../../src/sources/memory';
import type { Delivery } from '../../../src/providers/event';
import { queueDelivery } from '../../../src/webhooks/receive';
import { admin, baseConfig, postWebhook, putConfig, secret } from '../support/helpers';
import { event } from './helpers';

const DIST = 'dist-memory';
const config = baseConfig({
  distributions: { main: { id: DIST, coalesceMs: 0, limits: { windowMs: 1000 } } },
  rules: [
    {
      id: 'article',
      distribution: 'main',
      match: { sources: ['strapi'], contentTypes: ['article'] },
      purge: ['/articles/{fields.slug}', '/articles'],
    },
  ],
});

const strapi = (event: string, entry: Record<string, unknown>) =>
  postWebhook('strapi', JSON.stringify({ event, model: 'article', entry }), {
    authorization: `Bearer ${secret('STRAPI_TOKEN')}`,
  });

async function remembered(id: string): Promise<string[]> {
  const body = await (await admin(`/memory/strapi/${id}?type=article`)).json<{ paths: MemoryItem[] }>();
  return body.paths.map((p) => p.path);
}

/** Waits until the Gotipath stand-in has received a purge, after `since`, naming every one of `paths`. */
async function purgedAfter(since: number, paths: string[]): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const calls = await (
      await fetch(`${env.STANDIN_URL}/__standin/calls`)
    ).json<{ at: number; distributionId: string; paths: string[] }[]>();
    const sent = calls.filter((c) => c.distributionId === DIST && c.at >= since).flatMap((c) => c.paths);
    if (paths.every((p) => sent.includes(p))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('remembered paths through the webhook pipeline', () => {
  beforeAll(async () => {
    await putConfig(config);
  });

  it('purges the old URL after a slug change, and remembers only the new one', async () => {
    expect((await strapi('entry.publish', { id: 1, slug: 'first' })).status).toBe(202);
    expect(await remembered('1')).toEqual(['/articles/first']);
    const since = Date.now();
    const response = await strapi('entry.publish', { id: 1, slug: 'second' });
    expect(await response.json()).toMatchObject({ paths: 3 });
    expect(await remembered('1')).toEqual(['/articles/second']);
    expect(await purgedAfter(since, ['/articles/second', '/articles', '/articles/first'])).toBe(true);
  });

  it('purges the remembered URL for an id-only delete, then forgets the document', async () => {
    await strapi('entry.publish', { id: 2, slug: 'doomed' });
    const response = await strapi('entry.delete', { id: 2 });
    expect(await response.json()).toMatchObject({ paths: 2 }); // /articles and the remembered /articles/doomed
    expect(await remembered('2')).toEqual([]);
  });

  it('shows in preview the remembered paths it would add and what it would keep', async () => {
    await strapi('entry.publish', { id: 3, slug: 'kept' });
    const response = await admin('/preview', {
      method: 'POST',
      body: JSON.stringify({ source: 'strapi', body: { event: 'entry.update', model: 'article', entry: { id: 3 } } }),
    });
    const preview = await response.json<{
      remembered: { recalled: MemoryItem[]; next: unknown };
      work: { items: { path: string }[] }[];
    }>();
    expect(preview.remembered.recalled.map((p) => p.path)).toEqual(['/articles/kept']);
    expect(preview.remembered.next).toBe('unchanged');
    expect(preview.work[0]?.items.map((i) => i.path).sort()).toEqual(['/articles', '/articles/kept']);
  });

  it('accepts seeded paths for an id-only platform', async () => {
    const seed = { documents: [{ id: '9', type: 'article', paths: [{ distribution: 'main', path: '/articles/from-catalog' }] }] };
    expect((await admin('/memory/strapi', { method: 'PUT', body: JSON.stringify(seed) })).status).toBe(200);
    expect(await remembered('9')).toEqual(['/articles/from-catalog']);
    const bad = { documents: [{ id: '9', paths: [{ distribution: 'nope', path: '/x' }] }] };
    expect((await admin('/memory/strapi', { method: 'PUT', body: JSON.stringify(bad) })).status).toBe(404);
  });
});

describe('the memory is read before and written after the paths are stored', () => {
  const parsed = parseConfig(config);
  if (!parsed.ok) throw new Error('invalid config');
  const loaded: LoadedConfig = { ...compileConfig(parsed.config), version: 1, savedAt: '', document: config };
  const e = event({ source: 'strapi', contentType: 'article', documentId: '5', fields: { slug: 's' } });

  /** A test double for the Worker's env: the source state and schedulers behave as told and log calls. */
  function fakeEnv(fail: { recall?: boolean; enqueue?: boolean; update?: boolean; prior?: boolean }) {
    const calls: string[] = [];
    const args: Record<string, unknown[]> = {};
    const answers: Record<string, unknown> = {
      admit: fail.prior ? { prior: { eventId: 'evt_first', events: 1, paths: 2 } } : { remembered: [[]] },
      settle: { recorded: true, logged: true },
    };
    const stub =
      (name: string, failing?: boolean) =>
      async (...given: unknown[]) => {
        calls.push(name);
        args[name] = given;
        if (failing) throw new Error(`${name} failed`);
        return answers[name] ?? { queued: 1 };
      };
    const namespace = (methods: Record<string, unknown>) => ({ idFromName: () => 'id', get: () => methods });
    const fake = {
      ...env,
      SOURCE_STATE: namespace({
        admit: stub('admit', fail.recall),
        settle: stub('settle', fail.update),
        logDelivery: stub('logDelivery'),
      }),
      PURGE_SCHEDULER: namespace({ enqueue: stub('enqueue', fail.enqueue) }),
    } as unknown as Env;
    return { fake, calls, args };
  }
  // The source de-duplicates (baseConfig's dedupeSeconds): the delivery key is checked and recorded.
  const KEY = 'd1'.repeat(32);
  const one = (events = [e], key?: string): Delivery => ({
    eventId: e.eventId,
    source: 'strapi',
    provider: 'strapi',
    events,
    ...(key && { key }),
  });
  const delivered = one([e], KEY);
  const keepMs = loaded.config.sources.strapi!.dedupeSeconds * 1000;

  it('makes one SourceState call before the schedulers and one after, with the memory, the delivery key and the entry', async () => {
    const { fake, calls, args } = fakeEnv({});
    const receipt = await queueDelivery(fake, loaded, delivered, Date.now());
    expect(calls).toEqual(['admit', 'enqueue', 'settle']);
    expect(args.admit).toEqual([KEY, [{ id: '5', type: 'article' }]]);
    expect(args.settle?.[0]).toMatchObject({
      memory: [{ key: { id: '5', type: 'article' }, items: [{ path: '/articles/s' }] }],
      delivery: { key: KEY, receipt: { eventId: e.eventId, events: 1, paths: 2 }, keepMs },
      entry: { eventId: e.eventId, outcome: 'accepted' },
    });
    expect(receipt).toEqual({ eventId: e.eventId, events: 1, paths: 2 });
  });

  it('makes the same two SourceState calls for a delivery of many documents, with one memory key each', async () => {
    const { fake, calls, args } = fakeEnv({});
    const docs = ['6', '7', '8'].map((id) => ({ ...e, documentId: id, fields: { slug: `s${id}` } }));
    (fake.SOURCE_STATE.get(fake.SOURCE_STATE.idFromName('strapi')) as unknown as Record<string, unknown>).admit = async (
      ...given: unknown[]
    ) => {
      calls.push('admit');
      args.admit = given;
      return { remembered: [[], [], []] };
    };
    const receipt = await queueDelivery(fake, loaded, one([...docs, docs[0]!], KEY), Date.now());
    expect(calls).toEqual(['admit', 'enqueue', 'settle']);
    expect(args.admit?.[1]).toEqual(['6', '7', '8'].map((id) => ({ id, type: 'article' })));
    expect(receipt).toEqual({ eventId: e.eventId, events: 4, paths: 4 });
    const settled = args.settle?.[0] as { memory: { key: { id: string } }[] };
    expect(settled.memory.map((m) => m.key.id)).toEqual(['6', '7', '8']);
    // One scheduler call for the distribution, whatever the number of events.
    expect(calls.filter((c) => c === 'enqueue')).toHaveLength(1);
  });

  it('keeps a delivery key for the replay window when it is longer than dedupeSeconds', async () => {
    const short = parseConfig({
      ...config,
      sources: { ...config.sources, strapi: { ...config.sources.strapi, dedupeSeconds: 60 } },
    });
    const windowed = parseConfig({
      ...config,
      sources: { ...config.sources, standard: { ...config.sources.standard, dedupeSeconds: 60, toleranceSeconds: 900 } },
    });
    if (!short.ok || !windowed.ok) throw new Error('invalid config');
    const keptFor = async (document: typeof short.config, source: string, provider: string) => {
      const { fake, args } = fakeEnv({});
      const compiled: LoadedConfig = { ...compileConfig(document), version: 2, savedAt: '', document };
      await queueDelivery(fake, compiled, { ...one([{ ...e, source, provider }], KEY), source, provider }, Date.now());
      return (args.settle?.[0] as { delivery: { keepMs: number } }).delivery.keepMs;
    };
    // Strapi signs no timestamp: dedupeSeconds alone. Standard Webhooks accepts 900 s old signatures here.
    expect(await keptFor(short.config, 'strapi', 'strapi')).toBe(60_000);
    expect(await keptFor(windowed.config, 'standard', 'standard-webhooks')).toBe(900_000);
  });

  it('answers a redelivery from the first call and queues nothing', async () => {
    const { fake, calls } = fakeEnv({ prior: true });
    expect(await queueDelivery(fake, loaded, delivered, Date.now())).toEqual({
      eventId: 'evt_first',
      events: 1,
      paths: 2,
      duplicate: true,
    });
    // The redelivery's line on the Deliveries page is its only other call.
    expect(calls).toEqual(['admit', 'logDelivery']);
  });

  it('answers 503 when the memory cannot be read, before queuing anything', async () => {
    const { fake, calls } = fakeEnv({ recall: true });
    await expect(queueDelivery(fake, loaded, one(), Date.now())).rejects.toMatchObject({ status: 503 });
    expect(calls).toEqual(['admit']);
  });

  it('leaves the memory untouched when the paths could not be stored', async () => {
    const { fake, calls } = fakeEnv({ enqueue: true });
    await expect(queueDelivery(fake, loaded, one(), Date.now())).rejects.toBeInstanceOf(RelayError);
    expect(calls).toEqual(['admit', 'enqueue']);
  });

  it('answers 503 when the memory cannot be written, so the platform retries', async () => {
    const { fake, calls } = fakeEnv({ update: true });
    await expect(queueDelivery(fake, loaded, one(), Date.now())).rejects.toMatchObject({ status: 503 });
    expect(calls).toEqual(['admit', 'enqueue', 'settle']);
  });
});

describe('the SourceState calls of a webhook', () => {
  const key = { id: '7', type: 'article' };
  const item = (path: string): MemoryItem => ({ distribution: 'main', path, kind: 'url', priority: 0 });

  it('recalls the memory for a new delivery id and the first receipt once it is settled', async () => {
    const state = env.SOURCE_STATE.get(env.SOURCE_STATE.idFromName('settle'));
    const [d7, d8] = ['7', '8'].map((n) => n.repeat(64));
    expect(await state.admit(d7, [key])).toEqual({ remembered: [[]] });
    const entry = { at: 1, source: 'settle', status: 202, outcome: 'accepted' as const, eventId: 'evt_7', durationMs: 3 };
    const receipt = { eventId: 'evt_7', events: 1, paths: 1 };
    const settled = await state.settle({
      memory: [{ key, items: [item('/a')] }],
      delivery: { key: d7!, receipt, keepMs: 60_000 },
      entry,
    });
    expect(settled).toEqual({ recorded: true, logged: true });
    expect(await state.admit(d7, [key])).toEqual({ prior: receipt });
    expect(await state.admit(d8, [key, { id: 'none' }])).toEqual({ remembered: [[item('/a')], []] });
    expect(await state.admit(undefined, [])).toEqual({ remembered: [] });
    expect(await state.recentDeliveries(10)).toEqual([entry]);
  });

  it('forgets a document settled with null, and records nothing it was not given', async () => {
    const state = env.SOURCE_STATE.get(env.SOURCE_STATE.idFromName('settle-forget'));
    await state.settle({ memory: [{ key, items: [item('/b')] }] });
    expect(await state.settle({ memory: [{ key, items: null }] })).toEqual({ recorded: false, logged: false });
    expect(await state.admit('9'.repeat(64), [key])).toEqual({ remembered: [[]] });
    expect(await state.recentDeliveries(10)).toEqual([]);
  });
});

describe('the memory is bounded', () => {
  const item = (path: string): MemoryItem => ({ distribution: 'main', path, kind: 'url', priority: 0 });
  const inObject = <T>(name: string, fn: (sql: SqlStorage) => T) =>
    runInDurableObject(env.SOURCE_STATE.get(env.SOURCE_STATE.idFromName(name)), (_instance, state) => fn(state.storage.sql));

  it('keeps documents of different types apart, and finds every type for a key without one', async () => {
    await inObject('bounded-types', (sql) => {
      const memory = new PathMemory(sql);
      memory.remember({ id: '42', type: 'product' }, [item('/p/42')], 1);
      memory.remember({ id: '42', type: 'category' }, [item('/c/42')], 1);
      expect(memory.recall({ id: '42', type: 'product' })).toEqual([item('/p/42')]);
      expect(
        memory
          .recall({ id: '42' })
          .map((i) => i.path)
          .sort(),
      ).toEqual(['/c/42', '/p/42']);
      memory.forget({ id: '42' });
      expect(memory.recall({ id: '42' })).toEqual([]);
    });
  });

  it('drops the least recently updated document past the cap, extra paths, and documents past the age limit', async () => {
    await inObject('bounded-limits', (sql) => {
      const memory = new PathMemory(sql, { maxDocuments: 2, maxPaths: 2, maxAgeMs: 1000 });
      memory.remember({ id: 'a' }, [item('/a')], 10);
      memory.remember({ id: 'b' }, [item('/b1'), item('/b2'), item('/b3')], 20);
      memory.remember({ id: 'a' }, [item('/a2')], 30);
      memory.remember({ id: 'c' }, [item('/c')], 40);
      expect(memory.recall({ id: 'b' })).toEqual([]);
      expect(memory.recall({ id: 'a' })).toEqual([item('/a2')]);
      memory.remember({ id: 'b' }, [item('/b1'), item('/b2'), item('/b3')], 500);
      expect(memory.recall({ id: 'b' })).toEqual([item('/b1'), item('/b2')]);
      expect(memory.recall({ id: 'a' })).toEqual([]);
      expect(memory.prune(1045)).toBe(1500);
      expect(memory.recall({ id: 'c' })).toEqual([]);
      expect(memory.recall({ id: 'b' })).toHaveLength(2);
    });
  });
});
