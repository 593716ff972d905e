// The console's pages: each renders, the deliveries log, the playground, config check/save with problems at
// their lines, manual purge, config history and rollback, event journeys.
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_POINTER_KEY } from '../../../src/rules/store';
import { DELIVERY_LOG_LIMIT, type DeliveryEntry } from '../../../src/sources/recent-deliveries';
import { SourceState, sourceStateFor } from '../../../src/sources/state';
import { admin, baseConfig, postWebhook, putConfig, secret, workerFetch } from '../support/helpers';
import { login, type Browser } from '../support/console';

let browser: Browser;
const text = async (response: Response) => (await response.text()).replace(/&quot;/g, '"').replace(/&#39;/g, "'");

beforeAll(async () => {
  await putConfig(baseConfig());
  browser = await login();
});

describe('every page renders for a logged-in operator', () => {
  it.each([
    ['/admin/ui', 'Overview'],
    ['/admin/ui/deliveries', 'Deliveries'],
    ['/admin/ui/playground', 'Playground'],
    ['/admin/ui/config', 'Config document (JSON)'],
    ['/admin/ui/dead-letters', 'Dead letters'],
    ['/admin/ui/purge', 'Manual purge'],
    ['/admin/ui/events/evt_unknown', 'Event evt_unknown'],
    ['/admin/docs', 'purge-relay admin API'],
  ])('%s', async (path, heading) => {
    const response = await browser.get(path);
    expect(response.status).toBe(200);
    expect(await text(response)).toContain(heading);
  });

  it('answers an unknown console page with a 404 page', async () => {
    expect((await browser.get('/admin/ui/nowhere')).status).toBe(404);
  });

  it('draws each distribution on the overview with its health and an activity chart', async () => {
    const html = await text(await browser.get('/admin/ui'));
    expect(html).toContain('<h2 id="d-main">main <span class="badge b-ok">ok</span>');
    expect(html).toMatch(/<svg viewBox="0 0 720 150"[^>]*role="img"/);
    expect(html).toContain('Purged paths and calls per minute, last 60 minutes');
  });
});

describe('the doctor’s banner on the overview', () => {
  it('shows what the quick check finds, with what to do, and runs the full check on request', async () => {
    const sources = { ...baseConfig().sources, unset: { provider: 'strapi', secrets: ['CONSOLE_UNSET_TOKEN'] } };
    await putConfig(baseConfig({ sources }));
    try {
      const html = await text(await browser.get('/admin/ui'));
      expect(html).toMatch(
        /<section class="notice error" role="alert" aria-label="Doctor"><strong>Doctor: \d+ errors?, \d+ warnings?<\/strong>/,
      );
      expect(html).toContain('<strong>source unset</strong>: names secret CONSOLE_UNSET_TOKEN, which is not set');
      expect(html).toContain('→ wrangler secret put CONSOLE_UNSET_TOKEN with the secret the platform shows');
      expect(html).toContain('quick check: settings, config, sources, schedules');
      expect(html).toContain('<form method="post" action="/admin/ui/doctor">');
      const full = await text(await browser.post('/admin/ui/doctor', {}));
      expect(full).toContain('full check: settings, config, sources, schedules, Gotipath, public sites, key URLs');
      expect(full).toContain('names secret CONSOLE_UNSET_TOKEN, which is not set');
      expect(full).not.toContain('action="/admin/ui/doctor"');
    } finally {
      await putConfig(baseConfig());
    }
  });
});

describe('config history, event journeys and dead letters on their admin routes', () => {
  /** A version without rules, then the base config live again; the live version's number. */
  async function twoVersions() {
    await putConfig(baseConfig({ rules: [] }));
    await putConfig(baseConfig());
    return (await (await admin('/config/versions')).json<{ current: number }>()).current;
  }

  it('lists the saved versions with the live one marked and a rollback button on the others', async () => {
    const current = await twoVersions();
    const html = await text(await browser.get('/admin/ui/config'));
    expect(html).toContain(`<a href="/admin/ui/config/versions/${current}">${current}</a> <strong>(live)</strong>`);
    expect(html).toContain(`action="/admin/ui/config/versions/${current - 1}/rollback"`);
    expect(html).not.toContain(`action="/admin/ui/config/versions/${current}/rollback"`);
  });

  it("shows a version's document and what making it live would change, from GET /admin/config/diff", async () => {
    const current = await twoVersions();
    const html = await text(await browser.get(`/admin/ui/config/versions/${current - 1}`));
    expect(html).toContain(`Changes from the live version (${current}) to version ${current - 1}`);
    expect(html).toContain('<td>rules[0]</td><td>removed</td><td><code>{"id":"blog-post"');
    expect(html).toContain('"distributions": {');
    expect((await browser.get('/admin/ui/config/versions/999')).status).toBe(404);
  });

  it('rolls back through POST /admin/config/rollback: the old document becomes a new version', async () => {
    const current = await twoVersions();
    const response = await browser.post(`/admin/ui/config/versions/${current - 1}/rollback`, {});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/admin/ui/config?rolledBack=${current - 1}&version=${current + 1}`);
    const live = await (await admin('/config')).json<{ version: number; config: { rules: unknown[] } }>();
    expect([live.version, live.config.rules]).toEqual([current + 1, []]);
    const page = await text(await browser.get(response.headers.get('location')!));
    expect(page).toContain(`Version ${current - 1} is live again, as version ${current + 1}.`);
    expect(page).toContain(`rollback to ${current - 1}`);
    await putConfig(baseConfig());
  });

  it('says an event the ledger does not know is unknown', async () => {
    const html = await text(await browser.get('/admin/ui/events/evt_x'));
    expect(html).toContain('<p>no record of event "evt_x": unknown, or older than the ledger keeps.</p>');
  });

  it("draws an event's journey as a table, one row a ledger step", async () => {
    const queued = await (
      await admin('/purge', { method: 'POST', body: JSON.stringify({ distribution: 'main', patterns: ['/journey/*'] }) })
    ).json<{ eventId: string }>();
    const html = await text(await browser.get(`/admin/ui/events/${queued.eventId}`));
    expect(html).toContain(
      '<td>main</td><td class="mono">pattern /journey/*</td><td>manual</td><td><span class="badge b-queued">queued</span>',
    );
    // Above the raw steps: one row per path, where it stands, and the steps folded away.
    expect(html).toMatch(
      /<table id="paths-summary">.*<td class="mono">pattern \/journey\/\*<\/td><td>manual<\/td><td><span class="badge b-queued">queued<\/span><\/td>/s,
    );
    expect(html).toContain('<details><summary>Raw steps (the ledger, one row a step)</summary>');
  });

  it('lists the dead letters of every distribution', async () => {
    const html = await text(await browser.get('/admin/ui/dead-letters'));
    expect(html).toContain('<h2 id="dl-main">main</h2><p>No dead letters: every path Gotipath was sent was accepted.</p>');
  });
});

describe('deliveries', () => {
  it('lists verified webhooks, and refused ones apart, of configured sources, newest first, with their event page', async () => {
    const body = JSON.stringify({ event: 'entry.publish', model: 'article', entry: { id: 7, slug: 'seen-in-console' } });
    const accepted = await postWebhook('strapi', body, { authorization: `Bearer ${secret('STRAPI_TOKEN')}` });
    const { eventId } = await accepted.json<{ eventId: string }>();
    await postWebhook('strapi', body, { authorization: 'Bearer wrong' });
    const { deliveries: entries, refusals } = await sourceStateFor(env, 'strapi').deliveryLog(10);
    expect(entries.map((e) => [e.outcome, e.status, e.message])).toEqual([['accepted', 202, undefined]]);
    // Refusals are counted apart, per minute and reason (issue 14, F10).
    expect(refusals.map((r) => [r.outcome, r.status, r.message, r.count])).toEqual([
      ['rejected', 401, 'token does not match', 1],
    ]);
    expect(entries[0]).toMatchObject({
      source: 'strapi',
      provider: 'strapi',
      action: 'publish',
      contentType: 'article',
      documentId: '7',
      paths: 1,
      eventId,
    });
    const html = await text(await browser.get('/admin/ui/deliveries?source=strapi'));
    expect(html).toContain('<span class="badge b-rejected">rejected</span> 401');
    expect(html).toContain(`href="/admin/ui/events/${eventId}"`);
    const event = await text(await browser.get(`/admin/ui/events/${eventId}`));
    expect(event).toContain('<span class="badge b-accepted">accepted</span> 202');
  });

  it('explains a refused signature: the secret names tried and the usual causes', async () => {
    const body = JSON.stringify({ event: 'entry.publish', model: 'article', entry: { id: 8, slug: 'x' } });
    expect((await postWebhook('strapi', body, { authorization: 'Bearer also-wrong' })).status).toBe(401);
    const html = await text(await browser.get('/admin/ui/deliveries?source=strapi&outcome=rejected'));
    const help = html.match(/<details class="help"><summary>Why, and what to try<\/summary>(.*?)<\/details>/s)?.[1];
    expect(help).toContain('<code>STRAPI_TOKEN, STRAPI_TOKEN_OLD</code> in turn (the second one is for rotation)');
    expect(help).toContain('the secret pasted in strapi is not the value of the Worker secret');
    expect(help).toContain('<code>wrangler secret put STRAPI_TOKEN</code>');
    expect(help).toContain('a proxy or middleware in front of the relay changed the body');
  });

  it('filters by result', async () => {
    const html = await text(await browser.get('/admin/ui/deliveries?outcome=rejected'));
    expect(html).toContain('b-rejected');
    expect(html).not.toContain('<span class="badge b-accepted">');
  });

  it('keeps no log for a source that is not in the config', async () => {
    await postWebhook('ghost', '{}', {});
    expect(await sourceStateFor(env, 'ghost').recentDeliveries(10)).toEqual([]);
  });

  it(`keeps at most ${DELIVERY_LOG_LIMIT} deliveries per source`, async () => {
    const stub = env.SOURCE_STATE.get(env.SOURCE_STATE.idFromName('bounded'));
    await runInDurableObject(stub, async (instance: SourceState) => {
      for (let i = 0; i < DELIVERY_LOG_LIMIT + 20; i++) {
        const entry: DeliveryEntry = {
          at: i,
          source: 'bounded',
          status: 202,
          outcome: 'accepted',
          eventId: `evt_${i}`,
          durationMs: 1,
        };
        await instance.logDelivery(entry);
      }
      const kept = await instance.recentDeliveries(1_000);
      expect(kept.length).toBe(DELIVERY_LOG_LIMIT);
      expect(kept[0]?.eventId).toBe(`evt_${DELIVERY_LOG_LIMIT + 19}`);
      expect(await instance.recentDeliveries(10, 'evt_0')).toEqual([]);
    });
  });
});

describe('playground', () => {
  it('shows the normalized event, the matched rules and their paths, and queues nothing', async () => {
    const payload = JSON.stringify({
      sys: { id: 'e9', type: 'Entry', contentType: { sys: { id: 'blogPost' } } },
      fields: { slug: { 'en-US': 'from the playground' } },
    });
    const response = await browser.post('/admin/ui/playground', {
      source: 'contentful',
      headers: 'X-Contentful-Topic: ContentManagement.Entry.publish',
      payload,
    });
    expect(response.status).toBe(200);
    const html = await text(response);
    expect(html).toContain(
      '<td>blog-post</td><td>main</td><td class="mono"><div>/blog/from%20the%20playground</div><div>/blog</div>',
    );
    expect(html).toContain('<strong>product</strong>: source "contentful" is not in ["shopify"]');
    expect(html).toContain('"action": "publish"');
    const status = await (await admin('/status')).json<{ distributions: { pending: Record<string, number> }[] }>();
    expect(status.distributions[0]?.pending.url ?? 0).toBe(0);
  });

  it("shows the provider's message for a payload it cannot read", async () => {
    const response = await browser.post('/admin/ui/playground', { source: 'contentful', headers: '', payload: 'not json' });
    expect(response.status).toBe(422);
    expect(await text(response)).toMatch(/<div class="notice error" role="alert">body is not valid JSON/);
  });
});

describe('config editor', () => {
  const liveVersion = async () => (await env.CONFIG.get<{ version: number }>(CONFIG_POINTER_KEY, 'json'))?.version;

  it('shows each problem at its line and saves nothing', async () => {
    const before = await liveVersion();
    const document = JSON.stringify(
      baseConfig({ rules: [{ id: 'r', distribution: 'main', match: { actions: ['publsh'] }, purge: ['/ok'] }] }),
      null,
      2,
    );
    const response = await browser.post('/admin/ui/config', { document, base: String(before), intent: 'save' });
    expect(response.status).toBe(422);
    const html = await text(response);
    const line = document.split('\n').findIndex((l) => l.includes('"publsh"')) + 1;
    expect(html).toContain(`<a href="#L${line}" data-line="${line}">line ${line}</a> <code>rules[0].match.actions[0]</code>`);
    expect(html).toMatch(
      new RegExp(
        `<li id="L${line}" class="bad">\\s*"publsh"<span class="msg">↑ rules\\[0\\]\\.match\\.actions\\[0\\]: expected one of "publish"`,
      ),
    );
    expect(await liveVersion()).toBe(before);
  });

  it('points a JSON syntax error at its line', async () => {
    const response = await browser.post('/admin/ui/config', {
      document: '{\n  "distributions": {},\n  oops\n}',
      base: '1',
      intent: 'check',
    });
    expect(response.status).toBe(422);
    expect(await text(response)).toMatch(/line 3<\/a> <code>\(root\)<\/code>: not valid JSON/);
  });

  it('checks a valid document and shows the diff against the live version without saving', async () => {
    const before = await liveVersion();
    const document = JSON.stringify(baseConfig({ rules: [] }), null, 2);
    const html = await text(await browser.post('/admin/ui/config', { document, base: String(before), intent: 'check' }));
    expect(html).toContain('The document is valid.');
    expect(html).toContain('<span class="del">-       "id": "blog-post",\n</span>');
    expect(await liveVersion()).toBe(before);
  });

  it('lists every problem at once, each on its own line, with what an unknown key was meant to be', async () => {
    const document = JSON.stringify(
      baseConfig({ rules: [{ id: 'r', distribution: 'main', match: { actions: ['publsh'] }, purge: ['ok'], prefech: [] }] }),
      null,
      2,
    );
    const response = await browser.post('/admin/ui/config', { document, base: '1', intent: 'check' });
    expect(response.status).toBe(422);
    const html = await text(response);
    expect(html).toContain('<strong>3 problem(s); nothing was saved.</strong>');
    const items = html.match(/<ul id="problems">(.*?)<\/ul>/s)![1]!.match(/<li>/g);
    expect(items).toHaveLength(3);
    expect(html).toContain('<code>rules[0]</code>: unknown key "prefech" (did you mean "prefetch"?)');
  });

  it('shows warnings of a valid document in amber, one a line, never inside the green notice', async () => {
    const before = await liveVersion();
    const schedules = [{ id: 'every-7', cron: '*/7 * * * *', distribution: 'main', purge: ['/news'] }];
    const sources = { extra: { provider: 'sanity', secrets: ['NOT_SET_ANYWHERE'] } };
    const document = JSON.stringify(baseConfig({ rules: [], sources, schedules }), null, 2);
    const html = await text(await browser.post('/admin/ui/config', { document, base: String(before), intent: 'check' }));
    expect(html).toMatch(/<div class="notice ok" role="status">The document is valid\.<\/div>/);
    const warn = html.match(/<div class="notice warn" role="status"><strong>2 warnings<\/strong><ul id="warnings">(.*?)<\/ul>/s);
    expect(warn?.[1]).toContain('<li>source "extra": Worker secret NOT_SET_ANYWHERE is not set</li>');
    expect(warn?.[1]).toContain(`<li>schedule every-7: "*/7 * * * *" is not among the Worker's cron triggers`);
  });

  it('saves a valid document as a new version', async () => {
    const before = (await liveVersion()) ?? 0;
    const document = JSON.stringify(baseConfig(), null, 2);
    const html = await text(await browser.post('/admin/ui/config', { document, base: String(before), intent: 'save' }));
    expect(html).toContain(`Saved as version ${before + 1}`);
    expect(await liveVersion()).toBe(before + 1);
  });

  it('refuses to save over a version saved since the editor was loaded, and shows the diff', async () => {
    const stale = (await liveVersion()) ?? 0;
    await putConfig(baseConfig({ schedules: [] }));
    const response = await browser.post('/admin/ui/config', {
      document: JSON.stringify(baseConfig()),
      base: String(stale),
      intent: 'save',
    });
    expect(response.status).toBe(409);
    expect(await text(response)).toContain(`The live config changed (version ${stale} → ${stale + 1})`);
    expect(await liveVersion()).toBe(stale + 1);
  });
});

describe('manual purge form', () => {
  it('queues paths through POST /admin/purge and links the event', async () => {
    const html = await text(
      await browser.post('/admin/ui/purge', { distribution: 'main', paths: '/one\n\n/two\n', prefetch: '/one' }),
    );
    expect(html).toMatch(/Queued 2 path\(s\) and 1 prefetch\(es\) as event <a href="\/admin\/ui\/events\/man_\w+"/);
  });

  it('shows the relay’s message for a bad path, keeping what was typed', async () => {
    const response = await browser.post('/admin/ui/purge', { distribution: 'main', paths: 'no-slash' });
    expect(response.status).toBe(422);
    const html = await text(response);
    expect(html).toContain('a path must start with "/"');
    expect(html).toContain('>no-slash</textarea>');
  });
});

describe('the admin API used by the console', () => {
  it('validates a config without saving it with PUT /admin/config?dryRun=1', async () => {
    const before = await env.CONFIG.get(CONFIG_POINTER_KEY);
    const ok = await admin('/config?dryRun=1', { method: 'PUT', body: JSON.stringify(baseConfig()) });
    expect(await ok.json()).toEqual({ valid: true, warnings: [] });
    const bad = await admin('/config?dryRun=1', { method: 'PUT', body: JSON.stringify({ distributions: {} }) });
    expect(bad.status).toBe(422);
    expect(await env.CONFIG.get(CONFIG_POINTER_KEY)).toBe(before);
  });

  it('leaves webhook and API routes to their own handlers', async () => {
    expect((await workerFetch('https://relay.example/admin/status')).status).toBe(401);
  });
});
