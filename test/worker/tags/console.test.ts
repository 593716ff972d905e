// The console's Tags page: a tag's paths and a path's tags with when last seen, the index and the crawl.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { schedulerFor } from '../../../src/purge/scheduler';
import { login, type Browser } from '../support/console';
import { distributionConfig, putConfig } from '../support/helpers';

const document = {
  distributions: {
    site: {
      id: 'dist-tags-console',
      coalesceMs: 0,
      // Loopback only: the crawl started below really runs (the example site, see test/setup).
      publicBaseUrl: env.TAGGED_SITE_URL,
      tags: { crawl: { cron: '0 3 * * *', delayMs: 60_000 } },
    },
  },
};
let browser: Browser;

beforeAll(async () => {
  await putConfig(document);
  const config = await distributionConfig(document, 'site');
  await schedulerFor(env, config.id).learnTags(config, [
    { path: '/posts/1', tags: ['post-1', 'post-2'] },
    { path: '/blog', tags: ['post-1'] },
  ]);
  browser = await login();
});

describe('the Tags page', () => {
  it('is in the navigation and shows the index and the crawl', async () => {
    const html = await (await browser.get('/admin/ui/tags')).text();
    expect(html).toContain('href="/admin/ui/tags" aria-current="page"');
    expect(html).toContain('3 entries: 2 tags on 2 paths; 0 tag(s) queued.');
    expect(html).toContain('&quot;state&quot;: &quot;idle&quot;');
  });

  it('lists the paths a tag reaches and the tags a path carries', async () => {
    const byTag = await (await browser.get('/admin/ui/tags?distribution=site&tag=post-1')).text();
    expect(byTag).toContain('2 path(s)');
    expect(byTag).toMatch(/<td class="mono">\/blog<\/td><td>\d{4}-\d\d-\d\dT/);
    const byPath = await (await browser.get('/admin/ui/tags?distribution=site&path=%2Fposts%2F1')).text();
    expect(byPath).toContain('<td class="mono">post-2</td>');
  });

  it('starts a crawl with the form', async () => {
    const response = await browser.post('/admin/ui/tags?distribution=site', {});
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Crawl started.');
    expect(html).toContain('&quot;state&quot;: &quot;running&quot;');
  });
});
