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
    plain: { id: 'dist-tags-plain', coalesceMs: 0 },
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
    expect(html).toMatch(/<dt>State<\/dt><dd>idle<\/dd>/);
    expect(html).toContain('<button>Crawl the sitemap now</button>');
    // The largest tags as a table, each linking to its pages.
    expect(html).toContain(
      '<td class="mono"><a href="/admin/ui/tags?distribution=site&amp;tag=post-1">post-1</a></td><td>2</td>',
    );
    expect(html).toContain('No tag has been purged yet');
  });

  it('says how to turn tags on when the index is empty, and offers no crawl where none is configured', async () => {
    const html = (await (await browser.get('/admin/ui/tags?distribution=plain')).text()).replace(/&quot;/g, '"');
    expect(html).toContain('<strong>No cache tags known for plain yet.</strong>');
    expect(html).toContain('"warming": {"mode": "http-get"}');
    expect(html).toContain('"tags": {"crawl": {"cron": "0 3 * * *"}}');
    expect(html).toContain('<code>POST /tags/report</code>');
    expect(html).not.toContain('Crawl the sitemap now');
    expect(html).not.toContain('<h3>Crawl</h3>');
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
    expect(html).toMatch(/<dt>State<\/dt><dd>running<\/dd>/);
  });
});
