// @ts-check
// A small blog that labels every page with the content it shows (Cache-Tag / Surrogate-Key) and serves a
// sitemap index: the example site for cache tags (docs/tags.md). Loopback only, any free port.
import http from 'node:http';
/** @import { AddressInfo } from 'node:net' */
/** @import { Page } from './site.d.mts' */

/** Six posts; each has one topic and a "related" post shown in a box on its page. */
export const POSTS = [
  { id: '1', title: 'Hello', topic: 'news', related: '2' },
  { id: '2', title: 'Second', topic: 'howto', related: '3' },
  { id: '3', title: 'Third', topic: 'news', related: '1' },
  { id: '4', title: 'Fourth', topic: 'howto', related: '5' },
  { id: '5', title: 'Fifth', topic: 'news', related: '6' },
  { id: '6', title: 'Sixth', topic: 'howto', related: '4' },
];
const PER_PAGE = 3;
const newest = [...POSTS].reverse();
/** @param {string} id */
const tag = (id) => `post-${id}`;

/** Every page: its path, the posts it shows, and the header carrying its tags. */
export function pages() {
  /** @type {Page[]} */
  const list = [];
  // Home: the "latest" box shows the three newest posts.
  list.push({ path: '/', tags: ['home', ...newest.slice(0, PER_PAGE).map((p) => tag(p.id))], header: 'cache-tag' });
  for (let page = 1; page <= Math.ceil(POSTS.length / PER_PAGE); page++) {
    const shown = newest.slice((page - 1) * PER_PAGE, page * PER_PAGE);
    list.push({
      path: page === 1 ? '/blog' : `/blog?page=${page}`,
      tags: ['blog', ...shown.map((p) => tag(p.id))],
      header: 'cache-tag',
    });
  }
  for (const p of POSTS) list.push({ path: `/posts/${p.id}`, tags: [tag(p.id), tag(p.related)], header: 'cache-tag' });
  // Tag pages send Fastly's space-separated Surrogate-Key instead.
  for (const topic of new Set(POSTS.map((p) => p.topic))) {
    const shown = POSTS.filter((p) => p.topic === topic).map((p) => tag(p.id));
    list.push({ path: `/tags/${topic}`, tags: [`topic-${topic}`, ...shown], header: 'surrogate-key' });
  }
  // A page without tags.
  list.push({ path: '/about', tags: [], header: 'cache-tag' });
  return list;
}

/** The pages showing a post: what a purge of its tag must reach. @param {string} id */
export const pagesShowing = (id) =>
  pages()
    .filter((p) => p.tags.includes(tag(id)))
    .map((p) => p.path)
    .sort();

/** @param {string} body */
const xml = (body) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
/** @param {string} base @param {string[]} paths */
const urlset = (base, paths) =>
  xml(
    `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<url><loc>${base}${p.replace(/&/g, '&amp;')}</loc></url>`).join('')}</urlset>`,
  );

/** The sitemap index and its two sitemaps, by path. @param {string} base @returns {Record<string, string>} */
function sitemaps(base) {
  const all = pages();
  return {
    '/sitemap.xml': xml(
      `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${base}/sitemap-posts.xml</loc></sitemap><sitemap><loc>${base}/sitemap-pages.xml</loc></sitemap><sitemap><loc>http://192.0.2.1/elsewhere.xml</loc></sitemap></sitemapindex>`,
    ),
    '/sitemap-posts.xml': urlset(
      base,
      all.filter((p) => p.path.startsWith('/posts/')).map((p) => p.path),
    ),
    // Another origin in a sitemap is never visited (the crawler stays on the site it was given).
    '/sitemap-pages.xml': urlset(base, [...all.filter((p) => !p.path.startsWith('/posts/')).map((p) => p.path)]).replace(
      '</urlset>',
      '<url><loc>http://192.0.2.1/not-ours</loc></url></urlset>',
    ),
  };
}

/** Starts the site on 127.0.0.1; `requests` lists every path asked for, in order. @param {{ port?: number }} [options] */
export async function startTaggedSite({ port = 0 } = {}) {
  /** @type {string[]} */
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = `${url.pathname}${url.search}`;
    // The tests read what was asked for (a crawl must stay within the sitemap and the site).
    if (url.pathname === '/__site/requests')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(requests));
    requests.push(path);
    const base = `http://127.0.0.1:${portOf()}`;
    const map = sitemaps(base)[url.pathname];
    if (map) return void res.writeHead(200, { 'content-type': 'application/xml' }).end(map);
    const page = pages().find((p) => p.path === path);
    if (!page) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const value = page.header === 'surrogate-key' ? page.tags.join(' ') : page.tags.join(',');
    /** @type {Record<string, string>} */
    const headers = { 'content-type': 'text/html; charset=utf-8', ...(page.tags.length > 0 && { [page.header]: value }) };
    res.writeHead(200, headers).end(`<!doctype html><title>${path}</title><h1>${path}</h1>`);
  });
  // Listening on TCP: the address is an AddressInfo.
  const portOf = () => /** @type {AddressInfo} */ (server.address()).port;
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  return {
    url: `http://127.0.0.1:${portOf()}`,
    requests,
    /** @returns {Promise<void>} */
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

// `node examples/tagged-site/site.mjs [port]`: serve it until stopped.
if (import.meta.url === `file://${process.argv[1]}`) {
  const site = await startTaggedSite({ port: Number(process.argv[2] ?? 0) });
  console.log(`tagged site on ${site.url} (sitemap: ${site.url}/sitemap.xml)`);
}
