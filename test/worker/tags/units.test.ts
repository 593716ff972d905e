// Cache tags, the pure parts: header forms, sitemaps, a tag's expansion plan, tags in rules and config.
import { describe, expect, it } from 'vitest';
import type { ContentEvent } from '../../../src/providers/types';
import { compileConfig, matchEvent } from '../../../src/rules/matcher';
import { parseConfig } from '../../../src/rules/schema';
import { planTag } from '../../../src/purge/tag-plan';
import { readTags, splitTags } from '../../../src/tags/headers';
import { decodeXml, MAX_LOC_LENGTH, parseSitemap, sameOriginPath } from '../../../src/tags/sitemap';

describe('tag headers', () => {
  it('reads Cache-Tag commas and Surrogate-Key spaces, in any header, without duplicates', () => {
    expect(splitTags('post-1,post-2, home')).toEqual(['post-1', 'post-2', 'home']);
    expect(splitTags('post-1 post-2  post-1')).toEqual(['post-1', 'post-2']);
    expect(splitTags(' , ,')).toEqual([]);
    const headers = new Headers({ 'cache-tag': 'a,b', 'surrogate-key': 'b c', 'x-cache-tags': 'd', 'x-other': 'e' });
    expect(readTags(headers)).toEqual(['a', 'b', 'c', 'd']);
    expect(readTags(headers, ['x-other'])).toEqual(['e']);
  });

  it('drops a value longer than the 1,024-character limit', () => {
    expect(splitTags(`ok,${'x'.repeat(1025)}`)).toEqual(['ok']);
  });
});

describe('sitemaps', () => {
  const origin = 'https://www.example.com';

  it('lists the pages of a urlset and the sitemaps of an index, decoding XML escapes', () => {
    const urlset = `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc> https://www.example.com/blog?page=2&amp;x=1 </loc></url><url><loc><![CDATA[https://www.example.com/a]]></loc></url></urlset>`;
    expect(parseSitemap(urlset, origin)).toEqual({ sitemaps: [], pages: ['/blog?page=2&x=1', '/a'], skipped: 0 });
    const index = `<sitemapindex><sitemap><loc>https://www.example.com/s1.xml</loc></sitemap></sitemapindex>`;
    expect(parseSitemap(index, origin)).toEqual({ sitemaps: ['/s1.xml'], pages: [], skipped: 0 });
  });

  it('leaves out every URL on another origin (scheme, host or port), so a sitemap cannot send the crawler elsewhere', () => {
    const xml = [
      'https://evil.example/x',
      'http://www.example.com/x',
      'https://www.example.com:8443/x',
      'javascript:alert(1)',
      '//evil.example/y',
    ]
      .map((u) => `<url><loc>${u}</loc></url>`)
      .join('');
    expect(parseSitemap(`<urlset>${xml}</urlset>`, origin)).toEqual({ sitemaps: [], pages: [], skipped: 5 });
    expect(sameOriginPath('/relative', origin)).toBe('/relative');
    expect(decodeXml('&lt;&#65;&#x42;&unknown;')).toBe('<AB&unknown;');
  });

  it('skips a <loc> longer than 2,048 characters, one never closed, and one with a tag inside', () => {
    const long = `${origin}/${'a'.repeat(MAX_LOC_LENGTH)}`;
    const fits = `${origin}/${'a'.repeat(MAX_LOC_LENGTH - origin.length - 1)}`;
    const xml = `<urlset><url><loc>${long}</loc></url><url><loc>${fits}</loc></url><url><loc>${origin}/x<b/></loc></url><url><loc>${origin}/y`;
    expect(parseSitemap(xml, origin)).toEqual({ sitemaps: [], pages: [new URL(fits).pathname], skipped: 3 });
  });

  it('reads namespaced tags, skips comments and declarations, and decides index or urlset by the root element', () => {
    const xml = `<?xml version="1.0"?><!-- <loc>${origin}/commented</loc> --><!DOCTYPE x><sm:sitemapindex xmlns:sm="x">
      <sm:sitemap><sm:loc>${origin}/s.xml</sm:loc></sm:sitemap></sm:sitemapindex>`;
    expect(parseSitemap(xml, origin)).toEqual({ sitemaps: ['/s.xml'], pages: [], skipped: 0 });
  });
});

describe('a hostile sitemap (F6: the old <loc> pattern took 8.7 s on 3,000 spaces)', () => {
  const origin = 'https://www.example.com';
  const MIB = 1024 * 1024;
  /** Documents of about `size` characters built to make a backtracking pattern explode. */
  const HOSTILE: Record<string, (size: number) => string> = {
    '<loc> then spaces, no </loc>': (n) => `<urlset><url><loc>${' '.repeat(n)}`,
    '<loc> then spaces and a stray </': (n) => `<urlset><url><loc>${' '.repeat(n)}</`,
    'an open CDATA section': (n) => `<urlset><url><loc><![CDATA[${' '.repeat(n)}`,
    '<loc> repeated': (n) => `<urlset>${'<loc>'.repeat(n / 5)}`,
    'a tag name without end': (n) => `<${'a'.repeat(n)}`,
    'unterminated escapes': (n) => `<urlset><url><loc>${'&#x1'.repeat(n / 4)}</loc></url></urlset>`,
    'overlong <loc>s': (n) => `<urlset>${`<url><loc>${origin}/${'p'.repeat(3000)}</loc></url>`.repeat(n / 3040)}</urlset>`,
  };
  /** Milliseconds one parse takes; the clock moves on across an await, so a timer tick reads it. */
  async function timed(xml: string): Promise<number> {
    await new Promise((r) => setTimeout(r, 0));
    const start = Date.now();
    parseSitemap(xml, origin);
    await new Promise((r) => setTimeout(r, 0));
    return Date.now() - start;
  }

  it('parses 3,000 spaces after <loc> at once', async () => {
    expect(await timed(HOSTILE['<loc> then spaces, no </loc>']!(3000))).toBeLessThan(500);
  });

  // A generous bound (the benchmark prints the real figure: npm run bench -- sitemap): linear parsing takes
  // tens of milliseconds for 10 MiB; anything quadratic takes hours.
  it.each(Object.keys(HOSTILE))('parses 10 MiB of %s in linear time', async (name) => {
    const xml = HOSTILE[name]!(10 * MIB);
    expect(xml.length).toBeGreaterThanOrEqual(10 * MIB - 4096);
    expect(await timed(xml)).toBeLessThan(5_000);
    const links = parseSitemap(xml, origin);
    expect(links.pages.every((p) => p.length <= MAX_LOC_LENGTH)).toBe(true);
  });
});

describe('planTag', () => {
  const options = { limit: 3, patternRoom: 10, foldDepth: 1 };

  it('sends up to the limit as URL purges', () => {
    expect(planTag('t', ['/a', '/b'], options)).toEqual({ urls: ['/a', '/b'], patterns: [] });
  });

  it('folds past the limit into patterns and records why', () => {
    const plan = planTag('post-1', ['/blog/1', '/blog/2', '/blog/3', '/blog/4'], options);
    expect(plan.patterns.map((g) => g.pattern)).toEqual(['/blog*']);
    expect(plan.urls).toEqual([]);
    expect(plan.escalation?.reason).toBe(
      'tag "post-1" reaches 4 paths, more than the expandLimit of 3; 4 folded into 1 pattern(s)',
    );
  });

  it('never drops paths that fold into no pattern: they stay URL purges, and the escalation says so', () => {
    const plan = planTag('home', ['/', '/a', '/b', '/c'], { ...options, foldDepth: 2 });
    expect(plan.urls).toEqual(['/', '/a', '/b', '/c']);
    expect(plan.escalation?.reason).toContain('none fold into a pattern of 2+ segments, all sent as URL purges');
  });
});

describe('tags in rules', () => {
  const config = (rule: Record<string, unknown>) =>
    parseConfig({ distributions: { d: { id: 'd1' } }, rules: [{ id: 'r', distribution: 'd', ...rule }] });

  it('fills tag templates from the event, fanning a list out to one tag each', () => {
    const parsed = config({ tags: ['post-{id}', 'topic-{fields.topics}'] });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const event = {
      source: 's',
      action: 'publish',
      documentId: '42',
      contentType: 'post',
      locales: [],
      fields: { topics: ['a', 'b'] },
    };
    const [match] = matchEvent(compileConfig(parsed.config), event as unknown as ContentEvent).matches;
    expect(match?.tags).toEqual(['post-42', 'topic-a', 'topic-b']);
    expect(match?.paths).toEqual([]);
  });

  it('needs purge paths or tags, and refuses a tag template with a space', () => {
    const none = config({});
    expect(none.ok ? [] : none.issues).toContainEqual({ path: 'rules[0].purge', message: 'a rule needs purge paths or tags' });
    const spaced = config({ tags: ['post {id}'] });
    expect(spaced.ok ? [] : spaced.issues.map((i) => i.path)).toEqual(['rules[0].tags[0]']);
  });

  it('refuses a crawl without publicBaseUrl and a bad crawl cron', () => {
    const parsed = parseConfig({ distributions: { d: { id: 'd1', tags: { crawl: { cron: '61 * * * *' } } } } });
    expect(parsed.ok ? [] : parsed.issues.map((i) => i.path).sort()).toEqual([
      'distributions.d.publicBaseUrl',
      'distributions.d.tags.crawl.cron',
    ]);
  });
});
