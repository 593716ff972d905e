// @ts-check
// Part: origin first, then the CDN. Pages whose origin becomes fresh 5-30 s after the webhook, behind the stand-in's
// caching edge with readers asking for every page each second; the relay with the freshness gate, then without it
// (verification alone, then neither).
// Figures: purges wasted (sent while the origin was still old), pages stale at the end, publish → live p95.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startExampleOrigin } from '../../examples/origin/server.mjs';
import { startGotipathStandin } from '../gotipath-standin/index.mjs';
import { putConfig } from '../local-relay.mjs';
import { BENCH_SECRETS, buildWorker, fmt, quantile, row, runAsScript, signStandard, sleep, startMiniflare } from './lib.mjs';

const PAGES = 30;
const WINDOW_MS = 2_000;
/** The origin serves the new page this long after the webhook: 5 to 30 s, spread evenly over the pages. */
const delayOf = (/** @type {number} */ i) => 5_000 + Math.round((25_000 * i) / (PAGES - 1));
/** Webhooks are sent this far apart; the run ends this long after the last origin change. */
const SPACING_MS = 200;
const SETTLE_MS = 25_000;
const READ_EVERY_MS = 1_000;

/** @typedef {'gate' | 'verify' | 'none'} Mode  the gate (and verification), verification alone, or neither */

/** @param {Mode} mode */
function config(mode) {
  const gated = mode === 'gate';
  return {
    distributions: {
      main: {
        id: `bench-origin-${mode}`,
        coalesceMs: 500,
        limits: { windowMs: WINDOW_MS, url: { calls: 2, paths: 100 } },
        publicBaseUrl: '',
        verify: {
          enabled: mode !== 'none',
          originBaseUrl: '',
          marker: '{fields.updatedAt}',
          delaysMs: [1_000, 3_000, 10_000],
          originRatePerSecond: 50,
        },
        origin: { gate: { enabled: gated, maxWaitMs: 60_000, pollMs: 500, pollMaxMs: 2_000 } },
      },
    },
    sources: { bench: { provider: 'standard-webhooks', secrets: ['BENCH_SECRET'] } },
    rules: [{ id: 'page', distribution: 'main', match: { sources: ['bench'] }, purge: ['/bench/{fields.slug}'] }],
  };
}

/** One run against a fresh origin, edge and stand-in. @param {string} dir @param {Mode} mode */
async function runOnce(dir, mode) {
  const origin = await startExampleOrigin();
  const standin = await startGotipathStandin({
    log: false,
    windowMs: WINDOW_MS,
    edge: { originUrl: origin.url, evictAfterMs: 300 },
  });
  const relay = await startMiniflare(dir, 'index.js', { ...BENCH_SECRETS, GOTIPATH_API_BASE: standin.url });
  const paths = Array.from({ length: PAGES }, (_, i) => `/bench/page-${i}`);
  /** @type {Map<string, number>} */ const sentAt = new Map();
  /** @type {Map<string, number>} */ const changedAt = new Map();
  /** @type {Map<string, number>} */ const liveAt = new Map();
  const timers = new Set();
  let reading = true;
  try {
    const c = config(mode);
    c.distributions.main.publicBaseUrl = /** @type {string} */ (standin.edgeUrl);
    c.distributions.main.verify.originBaseUrl = origin.url;
    await putConfig(relay.url, BENCH_SECRETS.ADMIN_TOKEN, c);
    for (const p of paths) origin.setPage(p, { title: `Old ${p}`, updatedAt: '2026-12-01T10:00:00.000Z' });
    // Readers: every page through the edge each second (what re-caches an old page after an early purge).
    const readers = paths.map(async (p) => {
      while (reading) {
        const text = await (await fetch(`${standin.edgeUrl}${p}`)).text();
        if (text.includes(`New ${p}`) && !liveAt.has(p)) liveAt.set(p, Date.now());
        await sleep(READ_EVERY_MS);
      }
    });
    await sleep(1_500);
    for (const [i, p] of paths.entries()) {
      const updatedAt = new Date(Date.UTC(2026, 11, 8, 5, 0, i)).toISOString();
      const body = JSON.stringify({ type: 'post.published', data: { id: `page-${i}`, slug: `page-${i}`, updatedAt } });
      const timer = setTimeout(() => {
        timers.delete(timer);
        origin.setPage(p, { title: `New ${p}`, updatedAt });
        changedAt.set(p, Date.now());
      }, delayOf(i));
      timers.add(timer);
      sentAt.set(p, Date.now());
      const headers = signStandard(BENCH_SECRETS.BENCH_SECRET, `origin-${mode}-${i}`, body);
      const response = await fetch(`${relay.url}/webhooks/bench`, { method: 'POST', headers, body });
      if (response.status !== 202) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
      await sleep(SPACING_MS);
    }
    await sleep(delayOf(PAGES - 1) + SETTLE_MS);
    reading = false;
    await Promise.all(readers);
    const purges = standin.calls.filter((call) => call.status === 200 && call.kind === 'url');
    const wasted = purges.flatMap((call) =>
      /** @type {string[]} */ (call.paths).filter((p) => call.at < (changedAt.get(p) ?? Infinity)),
    ).length;
    const sentPaths = purges.reduce((n, call) => n + /** @type {string[]} */ (call.paths).length, 0);
    let stale = 0;
    for (const p of paths) if (!(await (await fetch(`${standin.edgeUrl}${p}`)).text()).includes(`New ${p}`)) stale++;
    const live = paths
      .filter((p) => liveAt.has(p))
      .map((p) => /** @type {number} */ (liveAt.get(p)) - /** @type {number} */ (sentAt.get(p)));
    const beyond = paths
      .filter((p) => liveAt.has(p))
      .map((p) => /** @type {number} */ (liveAt.get(p)) - /** @type {number} */ (changedAt.get(p)));
    return {
      wasted,
      sentPaths,
      calls: purges.length,
      stale,
      liveP95: quantile(live, 0.95),
      beyondP95: quantile(beyond, 0.95),
      live: live.length,
    };
  } finally {
    reading = false;
    for (const t of timers) clearTimeout(t);
    await relay.stop();
    await standin.close();
    await origin.close();
  }
}

/** @returns {Promise<import('./lib.mjs').Row[]>} */
export async function benchOrigin() {
  const dir = mkdtempSync(path.join(tmpdir(), 'purge-relay-origin-'));
  try {
    await buildWorker(dir);
    const gated = await runOnce(dir, 'gate');
    const verified = await runOnce(dir, 'verify');
    const plain = await runOnce(dir, 'none');
    const s = (/** @type {number} */ ms) => `${fmt(ms / 1000, 1)} s`;
    /** @param {string} label @param {Awaited<ReturnType<typeof runOnce>>} r */
    const others = (label, r) => [
      row('origin', `purges wasted, ${label}`, `${r.wasted} of ${r.sentPaths} paths in ${r.calls} calls`),
      row('origin', `pages stale at the edge at the end, ${label}`, `${r.stale} of ${PAGES}`),
      row(
        'origin',
        `publish → live at the edge p95, ${label}`,
        r.live === PAGES ? `${s(r.liveP95)}` : `${r.live} of ${PAGES} pages ever live`,
      ),
    ];
    return [
      row(
        'origin',
        `purges wasted (sent while the origin was old), with the gate (${PAGES} pages, origin fresh 5-30 s after the webhook)`,
        `${gated.wasted} of ${gated.sentPaths} paths in ${gated.calls} calls`,
        '0',
        gated.wasted === 0,
      ),
      row('origin', 'pages stale at the edge at the end, with the gate', `${gated.stale} of ${PAGES}`, '0', gated.stale === 0),
      row(
        'origin',
        'publish → live at the edge p95, with the gate',
        `${s(gated.liveP95)} (${s(gated.beyondP95)} after the origin changed)`,
        `≤ ${(WINDOW_MS + READ_EVERY_MS) / 1000} s after the origin changed (one window + the readers' 1 s)`,
        gated.beyondP95 <= WINDOW_MS + READ_EVERY_MS,
      ),
      ...others('without the gate, verification on (re-purges what it finds stale)', verified),
      ...others('without the gate nor verification', plain),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runAsScript(import.meta.url, benchOrigin);
