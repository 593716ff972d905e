// Source health: a source whose every recent delivery is refused reaches the overview, with why and what to do.
import { beforeAll, describe, expect, it } from 'vitest';
import { FAILING_AFTER, refusalCause, sourceHealth } from '../../../src/sources/health';
import type { DeliveryEntry, RefusalRow } from '../../../src/sources/recent-deliveries';
import { login, type Browser } from '../support/console';
import { admin, baseConfig, postWebhook, putConfig, secret } from '../support/helpers';

const NOW = 10_000_000;
const entry = (at: number, outcome: DeliveryEntry['outcome'], status: number, message?: string): DeliveryEntry => ({
  at,
  source: 's',
  status,
  outcome,
  ...(message !== undefined && { message }),
  durationMs: 1,
});
const refusal = (at: number, count: number, status: number, message: string): RefusalRow => ({
  minute: at - (at % 60_000),
  source: 's',
  outcome: status >= 500 ? 'failed' : 'rejected',
  status,
  message,
  count,
  firstAt: at - 1_000,
  lastAt: at,
  last: entry(at, 'rejected', status, message),
});

describe('sourceHealth', () => {
  it('is idle with nothing in the last hour, ok while deliveries are accepted', () => {
    expect(sourceHealth({ deliveries: [], refusals: [] }, NOW)).toMatchObject({ health: 'idle', accepted: 0, refused: 0 });
    const log = {
      deliveries: [entry(NOW - 5_000, 'accepted', 202)],
      refusals: [refusal(NOW - 60_000, 7, 401, 'signature does not match')],
    };
    expect(sourceHealth(log, NOW)).toMatchObject({ health: 'ok', accepted: 1, refused: 7, refusedInARow: 0 });
  });

  it(`is failing after ${FAILING_AFTER} refusals in a row, saying why from the latest`, () => {
    const log = {
      deliveries: [entry(NOW - 600_000, 'accepted', 202)],
      refusals: [
        refusal(NOW - 1_000, FAILING_AFTER - 1, 401, 'signature does not match'),
        refusal(NOW - 120_000, 1, 401, 'signature does not match'),
      ],
    };
    const health = sourceHealth(log, NOW);
    expect(health).toMatchObject({
      health: 'failing',
      cause: 'wrong-signature',
      refused: FAILING_AFTER,
      refusedInARow: FAILING_AFTER,
      lastAcceptedAt: NOW - 600_000,
    });
    expect(health.lastRefusal).toEqual({ at: NOW - 1_000, status: 401, message: 'signature does not match' });
    expect(health.advice).toMatch(/secret pasted in the platform differs/);
  });

  it('is not failing for fewer refusals than that, nor for refusals older than the last accepted delivery', () => {
    const few = { deliveries: [], refusals: [refusal(NOW - 1_000, FAILING_AFTER - 1, 401, 'x')] };
    expect(sourceHealth(few, NOW).health).toBe('ok');
    const before = { deliveries: [entry(NOW - 1_000, 'accepted', 202)], refusals: [refusal(NOW - 60_000, 50, 401, 'x')] };
    expect(sourceHealth(before, NOW).health).toBe('ok');
  });

  it('leaves out what is older than the window', () => {
    const old = { deliveries: [entry(NOW - 4_000_000, 'accepted', 202)], refusals: [refusal(NOW - 4_000_000, 9, 401, 'x')] };
    expect(sourceHealth(old, NOW)).toMatchObject({ health: 'idle', accepted: 0, refused: 0 });
  });

  it('tells the causes apart by status and message', () => {
    expect(refusalCause(401, 'signature does not match')).toBe('wrong-signature');
    expect(refusalCause(500, 'Worker secret SANITY_SECRET is not set')).toBe('unset-secret');
    expect(refusalCause(503, 'the scheduler could not store the paths')).toBe('relay-error');
    expect(refusalCause(400, 'body is not valid JSON')).toBe('refused-payload');
    expect(refusalCause(422, 'too many events')).toBe('refused-payload');
  });
});

describe('GET /admin/sources and the overview', () => {
  let browser: Browser;
  beforeAll(async () => {
    const sources = {
      strapi: { provider: 'strapi', secrets: ['STRAPI_TOKEN'] },
      unset: { provider: 'strapi', secrets: ['NOT_SET_ANYWHERE'] },
      quiet: { provider: 'sanity', secrets: ['SANITY_SECRET'] },
    };
    expect((await putConfig(baseConfig({ sources, rules: [] }))).status).toBe(200);
    const body = JSON.stringify({ event: 'entry.publish', model: 'article', entry: { id: 1, slug: 'a' } });
    expect((await postWebhook('strapi', body, { authorization: `Bearer ${secret('STRAPI_TOKEN')}` })).status).toBeLessThan(300);
    for (let i = 0; i < FAILING_AFTER; i++) {
      expect((await postWebhook('strapi', body, { authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
      expect((await postWebhook('unset', body, { authorization: 'Bearer anything-at-all-here' })).status).toBe(500);
    }
    browser = await login();
  });

  it('names each failing source with its cause, counts, last refusal and advice', async () => {
    const response = await admin('/sources');
    expect(response.status).toBe(200);
    const { sources } = await response.json<{ sources: ({ source: string } & Record<string, unknown>)[] }>();
    const by = Object.fromEntries(sources.map((s) => [s.source, s]));
    expect(by.strapi).toMatchObject({
      provider: 'strapi',
      health: 'failing',
      cause: 'wrong-signature',
      accepted: 1,
      refused: FAILING_AFTER,
    });
    expect(by.unset).toMatchObject({ health: 'failing', cause: 'unset-secret', accepted: 0, refused: FAILING_AFTER });
    expect((by.unset!.lastRefusal as { message: string }).message).toMatch(/NOT_SET_ANYWHERE/);
    expect(by.quiet).toMatchObject({ health: 'idle', accepted: 0, refused: 0 });
  });

  it('puts them in a red banner at the top of the overview and in the Sources table', async () => {
    const html = await (await browser.get('/admin/ui')).text();
    const banner = html.match(
      /<div class="notice error" role="alert"><strong>Needs fixing<\/strong><ul id="attention-errors">(.*?)<\/ul>/s,
    );
    expect(banner?.[1]).toContain(`Source strapi refuses every delivery (${FAILING_AFTER} in a row)`);
    expect(banner?.[1]).toContain(`Source unset refuses every delivery (${FAILING_AFTER} in a row)`);
    expect(html.indexOf('Needs fixing')).toBeLessThan(html.indexOf('<h2 id="sources">Sources</h2>'));
    expect(html).toMatch(/<span class="badge b-failing">failing<\/span>/);
  });

  it('needs the admin token', async () => {
    const { workerFetch, ORIGIN } = await import('../support/helpers');
    expect((await workerFetch(`${ORIGIN}/admin/sources`)).status).toBe(401);
  });
});
