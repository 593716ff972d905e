// Intruders shaping verified payload values: lists nested 100,000 deep (F9) and values that would widen a
// pattern to the whole site (F5). Through the Worker, for real: answers, queues and the preview.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import STRAPI_SITE from '../../../examples/strapi-site.json';
import { CONFIG_POINTER_KEY, configVersionKey } from '../../../src/rules/store';
import { admin, baseConfig, postWebhook, putConfig, secret } from '../support/helpers';

const DEPTH = 100_000;
/** A Strapi entry whose `deep` field is a list nested DEPTH deep, as text (built without recursion). */
const deepEntry = (id: number) =>
  `{"event":"entry.publish","model":"article","entry":{"id":${id},"slug":"deep-${id}","deep":${'['.repeat(DEPTH)}{"slug":"x"}${']'.repeat(DEPTH)}}}`;

const CONFIG = baseConfig({
  rules: [
    {
      id: 'deep-reader',
      distribution: 'main',
      match: { sources: ['strapi'], where: [{ field: 'fields.deep.slug', exists: false }] },
      purge: ['/articles/{fields.slug}', '/deep/{fields.deep.slug}'],
    },
    { id: 'deep-compare', distribution: 'main', match: { where: [{ field: 'fields.deep', equals: 'x' }] }, purge: ['/never'] },
  ],
});
const STRAPI = { authorization: `Bearer ${secret('STRAPI_TOKEN')}`, 'content-type': 'application/json' };

beforeAll(async () => {
  await putConfig(CONFIG);
});

describe('a verified payload with lists nested 100,000 deep (F9)', () => {
  it('is queued like any other: the deep value counts as missing, never a 500', async () => {
    const response = await postWebhook('strapi', deepEntry(1), STRAPI);
    expect(response.status).toBe(202);
    // Only /articles/deep-1: the deep value is missing, so /deep/… has no value and the comparison fails.
    expect(await response.json()).toMatchObject({ paths: 1 });
  });

  it('is explained by the preview without a 500', async () => {
    const response = await admin('/preview', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'strapi', body: deepEntry(2) }),
    });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    const body = JSON.parse(text) as { matches: { ruleId: string; paths: { path: string }[]; skipped: unknown[] }[] };
    expect(body.matches.map((m) => [m.ruleId, m.paths.map((p) => p.path)])).toEqual([['deep-reader', ['/articles/deep-2']]]);
  });

  it("as an admin body (the preview's payload as JSON, a config) is a 400 saying so, never a 500", async () => {
    for (const [path, method, text] of [
      ['/preview', 'POST', `{"source":"strapi","body":${deepEntry(3)}}`],
      [
        '/config?dryRun=1',
        'PUT',
        `{"distributions":{"main":{"id":"d"}},"sources":{"s":{"provider":"strapi","secrets":["T"],"options":${deepEntry(4)}}}}`,
      ],
    ] as const) {
      const response = await admin(path, { method, headers: { 'content-type': 'application/json' }, body: text });
      expect(response.status, path).toBe(400);
      expect(await response.json(), path).toEqual({ error: 'body nests lists or objects more than 1000 levels deep' });
    }
  });
});

describe('a media url "/" and the shipped Strapi rule (F5)', () => {
  const OLD_MEDIA_RULE = ['{+fields.url}', { path: '{+fields.url}*', kind: 'pattern' }];
  const site = (mediaPurge?: unknown[]) => ({
    ...STRAPI_SITE,
    distributions: { main: { id: 'dist-f5-strapi', coalesceMs: 600_000 } },
    sources: { strapi: { provider: 'strapi', secrets: ['STRAPI_TOKEN'] } },
    rules: STRAPI_SITE.rules.map((r) => (r.id === 'media' && mediaPurge ? { ...r, purge: mediaPurge } : r)),
  });
  const media = (fields: Record<string, unknown>) =>
    JSON.stringify({
      event: 'media.update',
      media: { id: 3, hash: 'hero_4f2a', ext: '.jpg', url: '/uploads/hero_4f2a.jpg', ...fields },
    });
  type Journey = { distributions: { paths: { kind: string; path: string }[] }[] };
  const queued = async (eventId: string) =>
    (await (await admin(`/events/${eventId}`)).json<Journey>()).distributions.flatMap((d) =>
      d.paths.map((p) => `${p.kind} ${p.path}`),
    );

  it('the rule as shipped before is refused when saved, at its field', async () => {
    const response = await admin('/config?dryRun=1', { method: 'PUT', body: JSON.stringify(site(OLD_MEDIA_RULE)) });
    expect(response.status).toBe(422);
    const { issues } = await response.json<{ issues: { path: string; message: string }[] }>();
    expect(issues.map((i) => i.path)).toEqual(['rules[2].purge[1].path']);
  });

  it('stored before this release, it queues no "/*": the refusal is in the Deliveries entry and the preview', async () => {
    // Written straight into KV, as the relay before issue 14 stored it.
    await env.CONFIG.put(configVersionKey(700), JSON.stringify(site(OLD_MEDIA_RULE)));
    await env.CONFIG.put(CONFIG_POINTER_KEY, JSON.stringify({ version: 700, savedAt: new Date().toISOString() }));
    await new Promise((r) => setTimeout(r, 1_100)); // the isolate re-reads the pointer once a second
    const response = await postWebhook('strapi', media({ url: '/' }), STRAPI);
    expect(response.status).toBe(202);
    const { eventId } = await response.json<{ eventId: string }>();
    expect(await queued(eventId)).toEqual(['url /']);
    const { deliveries } = await (await admin(`/deliveries?event=${eventId}`)).json<{ deliveries: { refused?: string[] }[] }>();
    expect(deliveries[0]!.refused).toEqual([
      expect.stringMatching(/^media: \{\+fields\.url\}\*: a pattern filled from the payload/),
    ]);
    const preview = await admin('/preview', {
      method: 'POST',
      body: JSON.stringify({ source: 'strapi', body: media({ url: '/' }) }),
    });
    const { matches } = await preview.json<{ matches: { skipped: { template: string; refused?: true }[] }[] }>();
    expect(matches[0]!.skipped).toEqual([expect.objectContaining({ template: '{+fields.url}*', refused: true })]);
  });

  it('the rule as shipped now keeps every upload pattern under /uploads/, whatever the values', async () => {
    const saved = await admin('/config', { method: 'PUT', body: JSON.stringify(site()) });
    expect(saved.status).toBe(200);
    const hostile = ['/', '*', '../..', '%2e%2e', '/../../*', '?*', '#'];
    for (const [i, value] of hostile.entries()) {
      // A new document each time: nothing remembered from the event before.
      const response = await postWebhook('strapi', media({ id: 100 + i, url: value, hash: value }), STRAPI);
      expect(response.status, value).toBe(202);
      const { eventId } = await response.json<{ eventId: string }>();
      for (const item of await queued(eventId)) {
        expect(item, value).toMatch(/^(url|pattern) \/uploads\/[^*/]*\.jpg\*?$/);
      }
    }
  });
});
