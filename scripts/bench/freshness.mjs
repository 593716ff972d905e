// @ts-check
// Part 5: freshness. A burst of publishes (each changes two pages at the example origin, then sends its webhook)
// through the relay (Miniflare) to the Gotipath stand-in's caching edge: publish → live at the edge and publish →
// verified, beside the best schedule the limits allow; a lossy edge with and without verification; what
// verification costs in requests to the origin and the edge.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startExampleOrigin } from '../../examples/origin/server.mjs';
import { startGotipathStandin } from '../gotipath-standin/index.mjs';
import { putConfig } from '../local-relay.mjs';
import { liveTimes, stalePages, verifiedBound } from './freshness-measure.mjs';
import { BENCH_SECRETS, buildWorker, fmt, quantile, row, runAsScript, signStandard, sleep, startMiniflare } from './lib.mjs';
import { bestSchedule, eventPaths } from './schedule.mjs';
/** @import { Row } from './lib.mjs' */

const EVENTS = 300;
const WINDOW_MS = 2_000;
const WINDOWS = 5;
const LIMITS = { windowMs: WINDOW_MS, calls: 2, paths: 100 };
/** The edge evicts this long after a purge is accepted (Gotipath's back ends purge in the background). */
const EVICT_AFTER_MS = 1_000;
/**
 * Checks after 1.5 s, 4 s, 10 s; a page still stale after the last is purged again (up to 3 times); the origin
 * takes 60 checks a second. `perAlarm` stays at its default (20): the scheduler runs its checks in the same alarm as
 * its sends, and with 100 per alarm the sends waited for them (publish → live at the edge p95 7.1 s against 2.9 s).
 */
const FIRST_CHECK_MS = 1_500;
const VERIFY = { delaysMs: [FIRST_CHECK_MS, 4_000, 10_000], maxRepurges: 3, concurrency: 8, originRatePerSecond: 60 };
const DRAIN_MS = 90_000;

/**
 * @typedef {{ i: number, sentAt: number, ackAt: number }} BurstEvent
 * @typedef {{ lostEvictions: number, verify: boolean }} Scenario
 * @typedef {{
 *   scenario: Scenario, events: BurstEvent[], live: number[], stale: number, pages: number, repurgedPaths: number,
 *   status: Record<string, any> | undefined, originProbes: number, edgeProbes: number, purgedPages: number, drainedMs: number
 * }} Outcome
 */

/** @param {string} originUrl @param {string} edgeUrl @param {boolean} verify */
function config(originUrl, edgeUrl, verify) {
  return {
    distributions: {
      main: {
        id: 'bench-fresh',
        limits: { windowMs: WINDOW_MS, url: { calls: LIMITS.calls, paths: LIMITS.paths } },
        publicBaseUrl: edgeUrl,
        // Without a verify section the relay does not verify (verification is on when both base URLs are set).
        ...(verify && { verify: { enabled: true, originBaseUrl: originUrl, ...VERIFY } }),
      },
    },
    sources: { bench: { provider: 'standard-webhooks', secrets: ['BENCH_SECRET'] } },
    rules: [
      {
        id: 'page-and-listing',
        distribution: 'main',
        match: { sources: ['bench'] },
        purge: ['/p/{fields.slug}', '/list/{fields.category}'],
      },
    ],
  };
}

/** @param {number} i @param {string} updatedAt */
function webhook(i, updatedAt) {
  const [page = '', listing = ''] = eventPaths(i);
  const data = { id: `doc-${i}`, slug: page.slice('/p/'.length), category: listing.slice('/list/'.length), updatedAt };
  const text = JSON.stringify({ type: 'post.published', data });
  return { text, headers: signStandard(BENCH_SECRETS.BENCH_SECRET, `fresh-${i}-${Date.now()}`, text) };
}

/** The relay's status of the bench distribution (GET /admin/status). @param {string} url */
async function distributionStatus(url) {
  const response = await fetch(`${url}/admin/status`, { headers: { authorization: `Bearer ${BENCH_SECRETS.ADMIN_TOKEN}` } });
  /** @type {{ distributions?: Record<string, any>[] | Record<string, Record<string, any>> }} */
  const body = await response.json();
  const list = Array.isArray(body.distributions) ? body.distributions : Object.values(body.distributions ?? {});
  return list[0];
}

/** @param {Scenario} scenario @param {string} dir the built relay @returns {Promise<Outcome>} */
async function runScenario(scenario, dir) {
  const pages = Array.from({ length: EVENTS }, (_, i) => eventPaths(i)).flat();
  const origin = await startExampleOrigin({ pages: Object.fromEntries(pages.map((p) => [p, { title: `${p} v1` }])) });
  const standin = await startGotipathStandin({
    log: false,
    windowMs: WINDOW_MS,
    limits: { url: { max: LIMITS.calls, paths: LIMITS.paths } },
    faults: scenario.lostEvictions ? { lostEvictions: scenario.lostEvictions } : {},
    edge: { originUrl: origin.url, evictAfterMs: EVICT_AFTER_MS },
  });
  /** @type {Awaited<ReturnType<typeof startMiniflare>> | undefined} */
  let relay;
  try {
    relay = await startMiniflare(dir, 'index.js', { ...BENCH_SECRETS, GOTIPATH_API_BASE: standin.url });
    await putConfig(relay.url, BENCH_SECRETS.ADMIN_TOKEN, config(origin.url, standin.edgeUrl, scenario.verify));
    // Every page is in the edge's cache before the burst, as on a visited site.
    for (const p of pages) await fetch(`${standin.edgeUrl}${p}`).then((r) => r.arrayBuffer());
    const before = { origin: origin.requests.length, edge: standin.cache().stats };
    const events = await burst(relay.url, origin);
    const started = Date.now();
    // Done when nothing is queued, no eviction is pending and (with verification) no check is waiting.
    const done = async () => {
      const status = await distributionStatus(/** @type {string} */ (relay?.url));
      const queued = Object.values(status?.pending ?? {}).reduce((n, k) => n + Number(k), 0);
      return queued === 0 && standin.cache().pending.length === 0 && (!scenario.verify || status?.freshness?.pending === 0);
    };
    await sleep(WINDOW_MS);
    while (Date.now() - started < DRAIN_MS && !(await done())) await sleep(500);
    const drainedMs = Date.now() - started;
    const stats = standin.cache().stats;
    const fills = stats.originFetches - before.edge.originFetches;
    const urlPaths = standin.calls.filter((c) => c.status === 200 && c.kind === 'url').flatMap((c) => c.paths);
    return {
      scenario,
      events,
      live: liveTimes(events, standin.cache().evictions, eventPaths),
      stale: stalePages(standin.cache().entries, origin.pages),
      pages: pages.length,
      repurgedPaths: urlPaths.length - new Set(urlPaths).size,
      status: scenario.verify ? await distributionStatus(relay.url) : undefined,
      // The relay's own requests: what the origin served beyond the edge's fills, what the edge served beyond none.
      originProbes: origin.requests.length - before.origin - fills,
      edgeProbes: stats.requests - before.edge.requests,
      purgedPages: new Set(urlPaths).size,
      drainedMs,
    };
  } finally {
    await relay?.stop();
    await standin.close();
    await origin.close();
  }
}

/**
 * Publishes on a fixed timetable: each event changes its two pages at the origin, then sends its webhook.
 * @param {string} url @param {Awaited<ReturnType<typeof startExampleOrigin>>} origin @returns {Promise<BurstEvent[]>}
 */
async function burst(url, origin) {
  const spacing = (WINDOWS * WINDOW_MS) / EVENTS;
  const start = Date.now();
  /** @type {Promise<BurstEvent>[]} */
  const pending = [];
  for (let i = 0; i < EVENTS; i++) {
    const wait = start + i * spacing - Date.now();
    if (wait > 0) await sleep(wait);
    const sentAt = Date.now();
    const updatedAt = new Date(sentAt).toISOString();
    for (const p of eventPaths(i)) origin.setPage(p, { title: `${p} v2`, updatedAt });
    const { text, headers } = webhook(i, updatedAt);
    pending.push(
      fetch(`${url}/webhooks/bench`, { method: 'POST', headers, body: text }).then(async (r) => {
        if (r.status !== 202) throw new Error(`webhook ${i} answered ${r.status}: ${await r.text()}`);
        return { i, sentAt, ackAt: Date.now() };
      }),
    );
  }
  return Promise.all(pending);
}

/** @param {number | undefined} ms */
const seconds = (ms) => (ms !== undefined && Number.isFinite(ms) ? `${fmt(ms / 1000, 1)} s` : 'never');

/** @returns {Promise<Row[]>} */
export async function benchFreshness() {
  const dir = mkdtempSync(path.join(tmpdir(), 'purge-relay-freshness-'));
  try {
    await buildWorker(dir);
    const clean = await runScenario({ lostEvictions: 0, verify: true }, dir);
    const lossy = await runScenario({ lostEvictions: 0.2, verify: true }, dir);
    const blind = await runScenario({ lostEvictions: 0.2, verify: false }, dir);
    const best = bestSchedule(clean.events, LIMITS);
    const bestLive = best.sends.map((s) => s.sentAt + EVICT_AFTER_MS - s.ackAt);
    const pace = { evictMs: EVICT_AFTER_MS, firstCheckMs: FIRST_CHECK_MS, ratePerSecond: VERIFY.originRatePerSecond };
    const bestVerified = verifiedBound(best.sends, pace);
    /** @param {number[]} ms */
    const p50p95 = (ms) => `${seconds(quantile(ms, 0.5))} / ${seconds(quantile(ms, 0.95))}`;
    const f = clean.status?.freshness ?? {};
    const lf = lossy.status?.freshness ?? {};
    const live = clean.live.filter(Number.isFinite);
    const perPage = (/** @type {number} */ n) => fmt(n / Math.max(1, clean.purgedPages), 2);
    return [
      row(
        'freshness',
        `publish → verified live p50 / p95 (burst of ${EVENTS} publishes, ${clean.pages} pages, edge evicts ${EVICT_AFTER_MS / 1000} s after the 200)`,
        `${seconds(f.liveP50Ms)} / ${seconds(f.liveP95Ms)}`,
        `p95 within ${WINDOW_MS / 1000} s of best`,
        (f.liveP95Ms ?? Infinity) - quantile(bestVerified, 0.95) <= WINDOW_MS,
      ),
      row(
        'freshness',
        `best schedule the limits allow (${LIMITS.calls} URL calls of ${LIMITS.paths} per ${WINDOW_MS / 1000} s, checks ${FIRST_CHECK_MS / 1000} s after, ${VERIFY.originRatePerSecond}/s): verified p50 / p95`,
        p50p95(bestVerified),
      ),
      row(
        'freshness',
        'publish → live at the edge (evicted) p50 / p95: with verification; without (lossy run, evicted pages); best schedule',
        `${p50p95(live)}; ${p50p95(blind.live.filter(Number.isFinite))}; ${p50p95(bestLive)}`,
      ),
      row(
        'freshness',
        'clean edge: verdicts fresh / stale / stuck / unknown',
        `${f.fresh} / ${f.stale} / ${f.stuck} / ${f.unknown}`,
      ),
      row(
        'freshness',
        'lossy edge (20% of evictions lost): pages still stale at the end, with verification',
        `${lossy.stale} of ${lossy.pages}; ${lossy.repurgedPaths} re-purged paths (${lf.repurges} re-purges, ${lf.stuck} stuck)`,
        '0',
        lossy.stale === 0,
      ),
      row(
        'freshness',
        'lossy edge (20% of evictions lost): pages still stale at the end, without verification',
        `${blind.stale} of ${blind.pages}; ${blind.repurgedPaths} re-purged paths`,
      ),
      row(
        'freshness',
        'verification cost: extra requests per purged page, origin / edge',
        `${perPage(clean.originProbes)} / ${perPage(clean.edgeProbes)} (${clean.originProbes} / ${clean.edgeProbes} for ${clean.purgedPages} pages)`,
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runAsScript(import.meta.url, benchFreshness);
