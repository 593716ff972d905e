// Cache tags in the scheduler: expanded at send time with the explicit paths, folded past the limit,
// learned from http-get warming and from a cron-started sitemap crawl of the example site.
import {
  createExecutionContext,
  createScheduledController,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../../src/index';
import { pagesShowing } from '../../../examples/tagged-site/site.mjs';
import { putConfig } from '../support/helpers';
import { Crawler, MAX_SITEMAP_BYTES, SITEMAP_CHARS_PER_RUN, type CrawlProgress } from '../../../src/tags/crawler';
import { TagIndex } from '../../../src/tags/tag-index';
import { accepted, items, parseDistribution, scheduler, sentCounts, testDistribution } from '../support/scheduler-harness';

const tagged = scheduler('tagged', testDistribution('sched-tags', { limits: { windowMs: 1_100, url: { calls: 2, paths: 50 } } }));
/** Runs alarms until neither tags nor paths are queued (drain alone counts paths only). */
const settle = (h: typeof tagged) => h.driveUntil(async () => (await h.status()).tags.queued === 0 && (await h.pending()) === 0);
const learn = (reports: { path: string; tags: string[] }[]) => tagged.stub.learnTags(tagged.config, reports);

describe('a tag in the queue', () => {
  it('reaches the pages the index holds when the call is made, together with explicit paths, each once', async () => {
    await learn([
      { path: '/posts/2', tags: ['post-2', 'post-3'] },
      { path: '/blog?page=2', tags: ['blog', 'post-2', 'post-1'] },
    ]);
    // A second of coalescing, so the real alarm cannot send before the tag below is learned.
    const coalescing = { name: 'tagged', config: { ...tagged.config, coalesceMs: 1_000 } };
    await tagged.stub.enqueue(coalescing, 'evt_tag', items('url', ['/posts/2']), [
      { tag: 'post-2', priority: 1, ruleId: 'post' },
    ]);
    // Learned after the event was queued, before it is sent: a tag is expanded at send time.
    await learn([{ path: '/tags/howto', tags: ['topic-howto', 'post-2'] }]);
    await tagged.drain();

    const counts = sentCounts(await tagged.calls(), 'url');
    expect(Object.fromEntries(counts)).toEqual({ '/posts/2': 1, '/blog?page=2': 1, '/tags/howto': 1 });
    const journey = await tagged.stub.journey('evt_tag');
    const queued = (path: string) => journey.find((j) => j.path === path)?.steps.find((s) => s.step === 'queued');
    expect(queued('/tags/howto')).toMatchObject({ rule: 'post', detail: 'tag post-2' });
    expect(queued('/posts/2')?.detail).toBeUndefined();
    const { tags } = await tagged.status();
    expect(tags.queued).toBe(0);
    expect(tags.expansions[0]).toMatchObject({ tag: 'post-2', event: 'evt_tag', rule: 'post', urls: 3, patterns: [] });
  });

  it('a tag no page carries purges nothing, and the expansion says so', async () => {
    const before = (await tagged.calls()).length;
    await tagged.stub.enqueue({ name: 'tagged', config: tagged.config }, 'evt_none', [], [{ tag: 'post-404', priority: 1 }]);
    await settle(tagged);
    expect((await tagged.calls()).length).toBe(before);
    expect((await tagged.status()).tags.expansions[0]).toMatchObject({ tag: 'post-404', urls: 0 });
  });
});

describe('a tag past its expandLimit', () => {
  const big = scheduler('big', testDistribution('sched-tags-big', { tags: { expandLimit: 3 } }));

  it('becomes a pattern and a recorded escalation, not a truncated list', async () => {
    const paths = ['/list/1', '/list/2', '/list/3', '/list/4', '/list/5'];
    await big.stub.learnTags(
      big.config,
      paths.map((path) => ({ path, tags: ['everywhere'] })),
    );
    await big.stub.enqueue({ name: 'big', config: big.config }, 'evt_big', [], [{ tag: 'everywhere', priority: 1 }]);
    await settle(big);

    const calls = await big.calls();
    expect(accepted(calls, 'pattern').map((c) => c.paths)).toEqual([['/list*']]);
    expect(accepted(calls, 'url')).toEqual([]);
    const { escalations, tags } = await big.status();
    expect(escalations[0]).toMatchObject({ action: 'pattern', paths: 5, patterns: ['/list*'] });
    expect(escalations[0]!.reason).toContain('tag "everywhere" reaches 5 paths, more than the expandLimit of 3');
    expect(tags.expansions[0]).toMatchObject({ tag: 'everywhere', urls: 0, patterns: ['/list*'] });
  });
});

describe('index bounds', () => {
  const bounded = scheduler(
    'bounded',
    testDistribution('sched-tags-bounds', { tags: { maxPathsPerTag: 2, maxTagsPerPath: 2, maxEntries: 5 } }),
  );

  it('keeps a page’s first tags, a tag’s most recently seen paths, and at most maxEntries rows', async () => {
    const learnAt = (reports: { path: string; tags: string[] }[]) => bounded.stub.learnTags(bounded.config, reports);
    expect(await learnAt([{ path: '/a', tags: ['t1', 't2', 't3'] }])).toEqual({ paths: 1, tags: 2, ignored: 1 });
    await learnAt([{ path: '/b', tags: ['t1'] }]);
    await learnAt([{ path: '/c', tags: ['t1'] }]);
    // t1 keeps its two most recently seen paths.
    expect((await bounded.stub.tagPaths('t1', bounded.config)).map((p) => p.path)).toEqual(['/b', '/c']);
    await learnAt([{ path: '/d', tags: ['x', 'y'] }]);
    await learnAt([{ path: '/e', tags: ['z'] }]);
    const { entries } = await bounded.stub.tagStatus();
    expect(entries).toBe(5);
    // The least recently seen row went first: /a's t2.
    expect(await bounded.stub.pathTags('/a')).toEqual([]);
  });

  it('replaces a page’s tags with what it carries now, and ages out pairs past maxAgeDays', async () => {
    await bounded.stub.learnTags(bounded.config, [{ path: '/e', tags: ['w'] }]);
    expect((await bounded.stub.pathTags('/e')).map((t) => t.tag)).toEqual(['w']);
    await runInDurableObject(bounded.stub, (_i, state) => {
      state.storage.sql.exec(`UPDATE tag_index SET seen_at = ? WHERE path = '/e'`, Date.now() - 31 * 86_400_000);
    });
    expect(await bounded.stub.tagPaths('w', bounded.config)).toEqual([]);
    await bounded.stub.learnTags(bounded.config, [{ path: '/f', tags: ['v'] }]);
    expect(await bounded.stub.pathTags('/e')).toEqual([]);
  });
});

describe('learning from http-get warming', () => {
  const warm = scheduler(
    'warm',
    testDistribution('sched-tags-warm', { warming: { mode: 'http-get', delayMs: 0 }, publicBaseUrl: env.TAGGED_SITE_URL }),
  );

  it('records the Cache-Tag of each page it GETs', async () => {
    await warm.enqueue('evt_warm', [
      ...items('url', ['/posts/3', '/tags/news']),
      ...items('prefetch', ['/posts/3', '/tags/news']),
    ]);
    await warm.drain();
    expect((await warm.stub.pathTags('/posts/3')).map((t) => t.tag)).toEqual(['post-1', 'post-3']);
    expect((await warm.stub.tagPaths('topic-news', warm.config)).map((p) => p.path)).toEqual(['/tags/news']);
  });
});

describe('the sitemap crawl', () => {
  const CRON = '0 3 * * *';
  const config = {
    distributions: {
      site: {
        id: 'sched-tags-crawl',
        coalesceMs: 0,
        publicBaseUrl: env.TAGGED_SITE_URL,
        // A long delay between runs: only the runs this test makes happen while it counts requests.
        tags: { crawl: { cron: CRON, requestsPerRun: 4, concurrency: 2, delayMs: 60_000 } },
      },
    },
  };
  const site = scheduler('site', config.distributions.site);
  const requests = async () => (await (await fetch(`${env.TAGGED_SITE_URL}/__site/requests`)).json<string[]>()).length;

  it('starts on its cron trigger, stays within its budget per run, stays on the site, and learns every page', async () => {
    await putConfig(config);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: CRON, scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await site.status()).tags.crawl.state).toBe('running');

    let runs = 0;
    while ((await site.status()).tags.crawl.state === 'running') {
      const before = await requests();
      await runDurableObjectAlarm(site.stub);
      expect((await requests()) - before).toBeLessThanOrEqual(4);
      if (++runs > 20) throw new Error('crawl did not finish');
    }
    const { crawl } = (await site.status()).tags;
    expect(crawl).toMatchObject({ state: 'done', sitemaps: 3, pages: 12, tagged: 11, errors: 0, skipped: 2, remaining: 0 });
    // 15 URLs (3 sitemaps, 12 pages) at 4 a run: at least 4 runs (the first may have fired on its own).
    expect(runs).toBeGreaterThanOrEqual(3);
    for (const id of ['1', '2', '6']) {
      expect((await site.stub.tagPaths(`post-${id}`, site.config)).map((p) => p.path).sort()).toEqual(pagesShowing(id));
    }
  });
});

describe('a crawl whose sitemap is missing', () => {
  const missing = scheduler(
    'missing',
    testDistribution('sched-tags-missing', {
      publicBaseUrl: env.TAGGED_SITE_URL,
      tags: { crawl: { cron: '0 3 * * *', sitemapPath: '/no-sitemap.xml', delayMs: 60_000 } },
    }),
  );

  it('ends at once with the error counted', async () => {
    expect(await missing.stub.startCrawl({ name: 'missing', config: missing.config })).toMatchObject({ started: true });
    await missing.driveUntil(async () => (await missing.status()).tags.crawl.state === 'done');
    expect((await missing.status()).tags.crawl).toMatchObject({ sitemaps: 0, pages: 0, errors: 1, remaining: 0 });
  });
});

describe('a sitemap past the size limit', () => {
  it('stops reading at MAX_SITEMAP_BYTES, counts an error, and learns nothing from it', async () => {
    const stub = env.PURGE_SCHEDULER.get(env.PURGE_SCHEDULER.idFromName('sched-tags-oversize'));
    const config = parseDistribution(
      testDistribution('sched-tags-oversize', {
        publicBaseUrl: 'https://site.example',
        tags: { crawl: { cron: '0 3 * * *', delayMs: 0 } },
      }),
    );
    const CHUNK = 64 * 1024;
    let pulled = 0;
    // An endless sitemap without a content-length: only reading can find it too large.
    const endless = () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            pulled++;
            controller.enqueue(new TextEncoder().encode('<urlset>'.padEnd(CHUNK, ' ')));
          },
        }),
        { headers: { 'content-type': 'application/xml' } },
      );
    await runInDurableObject(stub, async (_instance, state) => {
      let progress: CrawlProgress | undefined;
      const crawler = new Crawler(state.storage.sql, { get: () => progress, set: (p) => (progress = p) });
      crawler.start('/sitemap.xml', Date.now());
      await crawler.step(config, new TagIndex(state.storage.sql), Date.now, async () => endless());
      expect(progress).toMatchObject({ state: 'done', sitemaps: 0, pages: 0, errors: 1 });
    });
    // The reader stopped just past the limit (a few chunks of slack for the stream's own buffering).
    expect(pulled * CHUNK).toBeGreaterThan(MAX_SITEMAP_BYTES);
    expect(pulled).toBeLessThanOrEqual(MAX_SITEMAP_BYTES / CHUNK + 3);
  });
});

describe('a crawl run and hostile sitemaps (F6)', () => {
  const config = parseDistribution(
    testDistribution('sched-tags-hostile', {
      publicBaseUrl: 'https://site.example',
      tags: { crawl: { cron: '0 3 * * *', delayMs: 0, requestsPerRun: 10, concurrency: 4 } },
    }),
  );
  const stub = () => env.PURGE_SCHEDULER.get(env.PURGE_SCHEDULER.idFromName('sched-tags-hostile'));

  it('marks a sitemap visited, durably, before fetching and parsing it: a crash in the parse cannot loop', async () => {
    await runInDurableObject(stub(), async (_instance, state) => {
      let progress: CrawlProgress | undefined;
      let synced = 0;
      const crawler = new Crawler(state.storage.sql, {
        get: () => progress,
        set: (p) => (progress = p),
        sync: async () => void synced++,
      });
      crawler.start('/sitemap.xml', Date.now());
      const seen: number[] = [];
      await crawler.step(config, new TagIndex(state.storage.sql), Date.now, async () => {
        seen.push(
          state.storage.sql.exec<{ done: number }>(`SELECT done FROM crawl_queue WHERE path = '/sitemap.xml'`).one().done,
        );
        seen.push(synced);
        return new Response('<urlset><url><loc>https://site.example/a</loc></url></urlset>');
      });
      expect(seen).toEqual([1, 1]);
    });
  });

  it('parses at most SITEMAP_CHARS_PER_RUN (plus the sitemap that crosses it) in one run; the rest wait', async () => {
    const children = ['/s1.xml', '/s2.xml', '/s3.xml', '/s4.xml'];
    const big = `<urlset>${' '.repeat(SITEMAP_CHARS_PER_RUN / 2)}<url><loc>https://site.example/p</loc></url></urlset>`;
    const index = `<sitemapindex>${children.map((c) => `<sitemap><loc>https://site.example${c}</loc></sitemap>`).join('')}</sitemapindex>`;
    await runInDurableObject(stub(), async (_instance, state) => {
      let progress: CrawlProgress | undefined;
      const crawler = new Crawler(state.storage.sql, { get: () => progress, set: (p) => (progress = p) });
      crawler.start('/index.xml', Date.now());
      const fetched: string[] = [];
      const doFetch = async (url: RequestInfo | URL) => {
        const path = new URL(String(url)).pathname;
        fetched.push(path);
        return new Response(path === '/index.xml' ? index : path === '/p' ? '' : big);
      };
      const tags = new TagIndex(state.storage.sql);
      await crawler.step(config, tags, Date.now, doFetch);
      expect(fetched).toEqual(['/index.xml']);
      await crawler.step(config, tags, Date.now, doFetch);
      // s1 and s2 fill the budget (half of it each, and a little more): s3 and s4 wait for the next run.
      expect(fetched.slice(1)).toEqual(['/s1.xml', '/s2.xml']);
      expect(progress).toMatchObject({ state: 'running', sitemaps: 3 });
      await crawler.step(config, tags, Date.now, doFetch);
      expect(fetched.slice(3, 5)).toEqual(['/s3.xml', '/s4.xml']);
    });
  });
});
