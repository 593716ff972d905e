// @ts-check
// What `send-sample` does to the local example site before it sends the webhook: finds the pages the sample would
// purge (POST /admin/preview) and the distribution's edge and origin (GET /admin/config), has the edge cache the
// current version (as visitors would), then changes each page at the origin (PUT /__origin/pages), so `curl` on the
// edge shows the old title until the purge evicts it. Only a site on 127.0.0.1 is touched.

/**
 * @typedef {{ call: <T>(method: string, path: string, body?: unknown) => Promise<T> }} AdminApi  bin/lib/relay.mjs
 * @typedef {{ paths: string[], edgeUrl: string, originUrl: string }} SampleSite
 * @typedef {{ path: string, title: string }} ChangedPage
 */

/** The example origin when the config names no verify.originBaseUrl (scripts/dev.mjs starts it there). */
export const DEFAULT_ORIGIN_URL = 'http://127.0.0.1:8790';
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];
const STAMP_RE = / \(updated \d\d:\d\d:\d\d\)$/;

/** @param {string | undefined} url */
const isLoopback = (url) => {
  try {
    return url !== undefined && LOOPBACK.includes(new URL(url).hostname);
  } catch {
    return false;
  }
};

/**
 * The sample's pages and where to watch them, or null when its distribution has no edge on this machine (no
 * loopback publicBaseUrl): then only the webhook is sent.
 * @param {AdminApi} relay @param {{ source: string, headers: Record<string, string>, body: unknown, origin?: string }} sample
 * @returns {Promise<SampleSite | null>}
 */
export async function findSampleSite(relay, { source, headers, body, origin }) {
  /** @type {{ work: { distribution: string, items: { kind: string, path: string }[] }[] }} */
  const preview = await relay.call('POST', '/admin/preview', { source, headers, body });
  /** @type {{ config: { distributions: Record<string, { publicBaseUrl?: string, verify?: { originBaseUrl?: string } }> } }} */
  const { config } = await relay.call('GET', '/admin/config');
  const work = preview.work.find((w) => w.items.some((i) => i.kind === 'url'));
  const distribution = work && config.distributions[work.distribution];
  if (!work || !distribution || !isLoopback(distribution.publicBaseUrl)) return null;
  const originUrl = distribution.verify?.originBaseUrl ?? origin ?? DEFAULT_ORIGIN_URL;
  if (!isLoopback(originUrl)) return null;
  const paths = work.items.filter((i) => i.kind === 'url').map((i) => i.path);
  const trim = (/** @type {string} */ url) => url.replace(/\/+$/, '');
  return { paths, edgeUrl: trim(String(distribution.publicBaseUrl)), originUrl: trim(originUrl) };
}

/**
 * Has the edge cache each page, then gives each a new title (stamped with the time) and `updatedAt` at the origin.
 * @param {SampleSite} site @param {string} updatedAt @returns {Promise<ChangedPage[]>}
 */
export async function changeSampleSite({ paths, edgeUrl, originUrl }, updatedAt) {
  const pagesUrl = `${originUrl}/__origin/pages`;
  /** @type {{ path: string, title: string }[]} */
  const current = await fetch(pagesUrl).then(async (r) => {
    if (!r.ok) throw new Error(`${pagesUrl} answered ${r.status}: is ${originUrl} the example origin (npm start)?`);
    return r.json();
  });
  const titles = new Map(current.map((p) => [p.path, p.title]));
  const time = new Date().toISOString().slice(11, 19);
  /** @type {ChangedPage[]} */
  const changed = [];
  for (const path of paths) {
    // The version visitors saw is in the edge's cache before the change, as on a visited site.
    await fetch(`${edgeUrl}${path}`).then((r) => r.arrayBuffer());
    const title = `${(titles.get(path) ?? `Page ${path}`).replace(STAMP_RE, '')} (updated ${time})`;
    const put = await fetch(`${pagesUrl}?path=${encodeURIComponent(path)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title, updatedAt }),
    });
    if (!put.ok) throw new Error(`PUT ${pagesUrl}?path=${path} answered ${put.status}: ${await put.text()}`);
    changed.push({ path, title });
  }
  return changed;
}

/** What to print: the change, and what to curl to watch the edge catch up. @param {SampleSite} site @param {ChangedPage[]} changed */
export function describeChange({ edgeUrl, originUrl }, changed) {
  const [first] = changed;
  if (!first) return [];
  return [
    `Changed ${changed.length} page(s) at the origin ${originUrl}; the edge ${edgeUrl} still holds the old version.`,
    `  ${first.path} is now "${first.title}"`,
  ];
}

/** @param {SampleSite} site @param {ChangedPage[]} changed */
export function watchHints({ edgeUrl }, changed) {
  const [first] = changed;
  if (!first) return [];
  return [
    'Watch the edge serve the old title, then the new one a few seconds later (the relay coalesces for about 2 s,',
    'then the edge evicts about 2 s after Gotipath accepts the purge):',
    `  curl -s ${edgeUrl}${first.path} | grep '<title>'`,
    `  curl -sI ${edgeUrl}${first.path} | grep -iE '^(x-cache|age|etag):'`,
    'The relay then checks each page at the origin and through the edge; ask it about one:',
    `  npx purge-relay why ${first.path}`,
  ];
}
