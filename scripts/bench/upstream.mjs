// @ts-check
// Part 3: upstream efficiency. A burst of 2,000 webhooks over ten rate windows touching 3,000 distinct paths,
// through the relay (wrangler dev) to a Gotipath stand-in with a short window; then a naive relay that calls
// purge once per webhook (honouring Retry-After) against a fresh stand-in; and the best schedule the limits allow.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGotipathStandin } from '../gotipath-standin/index.mjs';
import { putConfig } from '../local-relay.mjs';
import { BENCH_SECRETS, buildWorker, fmt, row, runAsScript, signStandard, sleep, startMiniflare } from './lib.mjs';
import { EVENTS, bestSchedule, eventPaths, pathsPerCall, staleness, summarizeStaleness } from './schedule.mjs';
/** @import { Call, StandinOptions } from '../gotipath-standin/index.mjs' */

/**
 * @typedef {{ i: number, sentAt: number, ackAt: number }} BurstEvent  One event: sent, then acknowledged.
 * @typedef {{ events: BurstEvent[], calls: Call[], retried?: Map<string, number> }} Run
 *   What one run saw; `retried` counts the deliveries retried, by their first answer line.
 */

const WINDOW_MS = 2_000;
const WINDOWS = 10;
const LIMITS = { windowMs: WINDOW_MS, calls: 2, paths: 100 };
/** After the burst, how long the relay gets to purge everything, and the naive relay to keep retrying. */
const DRAIN_MS = 30_000;
const NAIVE_DRAIN_MS = 10_000;

/** @type {StandinOptions} */
const standinOptions = { log: false, windowMs: WINDOW_MS, limits: { url: { max: LIMITS.calls, paths: LIMITS.paths } } };

function config() {
  const source = { provider: 'standard-webhooks', secrets: ['BENCH_SECRET'] };
  return {
    // The scheduler's limits match the stand-in's; everything else is the default a user gets.
    distributions: {
      main: { id: 'bench-dist', limits: { windowMs: WINDOW_MS, url: { calls: LIMITS.calls, paths: LIMITS.paths } } },
    },
    sources: { bench: source },
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

/**
 * Sends the burst on a fixed timetable (one event every 10 ms); `deliver` returns once the event is acknowledged.
 * @param {(i: number) => Promise<void>} deliver @returns {Promise<BurstEvent[]>}
 */
async function burst(deliver) {
  const spacing = (WINDOWS * WINDOW_MS) / EVENTS;
  const start = Date.now();
  /** @type {Promise<BurstEvent>[]} */
  const pending = [];
  for (let i = 0; i < EVENTS; i++) {
    const wait = start + i * spacing - Date.now();
    if (wait > 0) await sleep(wait);
    const sentAt = Date.now();
    pending.push(deliver(i).then(() => ({ i, sentAt, ackAt: Date.now() })));
  }
  return Promise.all(pending);
}

/** @param {number} i */
function webhook(i) {
  const text = JSON.stringify({
    type: 'post.published',
    data: { id: `doc-${i}`, slug: `doc-${i}`, category: `cat-${i % 1_000}` },
  });
  return { text, headers: signStandard(BENCH_SECRETS.BENCH_SECRET, `burst-${i}`, text) };
}

/** One delivery of event i; status 0 when the connection failed. @param {string} url @param {number} i */
async function deliver(url, i) {
  const { text, headers } = webhook(i);
  try {
    const response = await fetch(`${url}/webhooks/bench`, { method: 'POST', headers, body: text });
    return { status: response.status, answer: await response.text() };
  } catch (caught) {
    const error = /** @type {Error & { cause?: { code?: string } }} */ (caught);
    return { status: 0, answer: String(error.cause?.code ?? error.message) };
  }
}

/** @returns {Promise<Run>} */
async function runRelay() {
  const standin = await startGotipathStandin(standinOptions);
  const dir = mkdtempSync(path.join(tmpdir(), 'purge-relay-upstream-'));
  /** @type {Awaited<ReturnType<typeof startMiniflare>> | undefined} */
  let relay;
  try {
    // Miniflare, not wrangler dev: under this burst wrangler's dev proxy restarted the worker hundreds of times.
    await buildWorker(dir);
    relay = await startMiniflare(dir, 'index.js', { ...BENCH_SECRETS, GOTIPATH_API_BASE: standin.url });
    const { url } = relay;
    await putConfig(url, BENCH_SECRETS.ADMIN_TOKEN, config());
    /** @type {Map<string, number>} first line of a 5xx answer → how many */
    const retried = new Map();
    // A 5xx or a dropped connection is retried a second later, as the platforms do; the acknowledgement is the 2xx.
    const events = await burst(async (i) => {
      for (let attempt = 0; ; attempt++) {
        const { status, answer } = await deliver(url, i);
        if (status === 202) return;
        if ((status > 0 && status < 500) || attempt >= 20) throw new Error(`webhook ${i} answered ${status}: ${answer}`);
        const what = `${status || 'no answer:'} ${(answer.split('\n')[0] ?? '').slice(0, 60)}`;
        retried.set(what, (retried.get(what) ?? 0) + 1);
        await sleep(1_000);
      }
    });
    const deadline = Date.now() + DRAIN_MS;
    while (Date.now() < deadline && summarizeStaleness(staleness(events, standin.calls)).unpurged > 0) await sleep(500);
    return { events, calls: [...standin.calls], retried };
  } finally {
    await relay?.stop();
    await standin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A relay without a queue: each webhook's handler calls purge with its own paths, retrying after Retry-After.
 * @returns {Promise<Run>}
 */
async function runNaive() {
  const standin = await startGotipathStandin(standinOptions);
  const stopAt = Date.now() + WINDOWS * WINDOW_MS + NAIVE_DRAIN_MS;
  const headers = {
    'content-type': 'application/json',
    'X-Auth-ClientId': BENCH_SECRETS.GOTIPATH_CLIENT_ID,
    'X-Auth-LibraryId': BENCH_SECRETS.GOTIPATH_LIBRARY_ID,
    'X-Auth-ApiKey': BENCH_SECRETS.GOTIPATH_API_KEY,
  };
  /** @param {number} i */
  const purge = async (i) => {
    const body = JSON.stringify({ type: 'url', paths: eventPaths(i) });
    while (Date.now() < stopAt) {
      const response = await fetch(`${standin.url}/v1/distributions/bench-dist/purges`, { method: 'POST', headers, body });
      await response.arrayBuffer();
      if (response.status !== 429) return;
      await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
    }
  };
  try {
    // Acknowledged on receipt; the purge runs on (as it would in waitUntil).
    /** @type {Promise<void>[]} */
    const running = [];
    const events = await burst(async (i) => void running.push(purge(i)));
    await Promise.all(running);
    return { events, calls: [...standin.calls] };
  } finally {
    await standin.close();
  }
}

/** @param {number | undefined} ms */
const seconds = (ms) => (ms !== undefined && Number.isFinite(ms) ? `${fmt(ms / 1000, 1)} s` : 'never');

/** @param {string} label @param {Run} run */
function describe(label, { events, calls, retried = new Map() }) {
  const retries = [...retried.values()].reduce((a, b) => a + b, 0);
  const why = [...retried].map(([what, n]) => `${n} × ${what}`).join('; ');
  const pairs = staleness(events, calls);
  const s = summarizeStaleness(pairs);
  const per = pathsPerCall(pairs, calls);
  /** @param {number} status */
  const count = (status) => calls.filter((c) => c.status === status).length;
  const start = Math.min(...events.map((e) => e.sentAt));
  const lastAck = Math.max(...events.map((e) => e.ackAt)) - start;
  const accepted = calls.filter((c) => c.status === 200).map((c) => c.at - start);
  const span = accepted.length
    ? `; accepted calls from +${seconds(accepted[0])} to +${seconds(accepted.at(-1))}, last webhook acknowledged at +${seconds(lastAck)}`
    : '';
  const never = s.unpurged ? `; ${s.unpurged} of ${pairs.length} changes not purged in time` : '';
  return {
    pairs,
    s,
    per,
    tooMany: count(429),
    text: `${calls.length} calls (${count(200)} accepted, ${count(429)} × 429)${span}${retries ? `; ${retries} deliveries answered 5xx and retried (${why})` : ''}`,
    never,
    label,
  };
}

export async function benchUpstream() {
  const relayRun = await runRelay();
  // BENCH_RAW=file keeps the relay run's events and calls, to look at the call timing afterwards.
  if (process.env.BENCH_RAW)
    writeFileSync(process.env.BENCH_RAW, JSON.stringify({ events: relayRun.events, calls: relayRun.calls }));
  const relay = describe('relay', relayRun);
  const naive = describe('naive', await runNaive());
  // The yardstick takes the relay's own acknowledgement times: the same arrivals, scheduled ideally.
  const best = bestSchedule(relayRun.events, LIMITS);
  /** @param {number} ms @param {number} bestMs */
  const within = (ms, bestMs) => ms - bestMs <= WINDOW_MS;
  return [
    row(
      'upstream',
      `relay: Gotipath calls (burst of ${EVENTS} events, ${WINDOWS} windows of ${WINDOW_MS / 1000} s, 3,000 paths)`,
      relay.text,
      '0 × 429',
      relay.tooMany === 0,
    ),
    row(
      'upstream',
      'relay: paths per call, overall / while backlog ≥ 100',
      `${fmt(relay.per.overall, 1)} / ${fmt(relay.per.busy, 1)} (${relay.per.busyCalls} calls)`,
      '≥ 95 while backlog ≥ 100',
      relay.per.busy >= 95,
    ),
    row(
      'upstream',
      'relay: staleness p95 / worst (acknowledged → purged)',
      `${seconds(relay.s.p95)} / ${seconds(relay.s.worst)}${relay.never}`,
      `within ${WINDOW_MS / 1000} s of best`,
      within(relay.s.p95, best.p95) && within(relay.s.worst, best.worst),
    ),
    row(
      'upstream',
      'best schedule the limits allow: calls, staleness p95 / worst',
      `${best.calls} calls; ${seconds(best.p95)} / ${seconds(best.worst)} (hold ${best.holdMs} ms)`,
    ),
    row('upstream', 'naive relay (purge per webhook, honours Retry-After): calls', naive.text),
    row(
      'upstream',
      'naive: paths per call, overall / while backlog ≥ 100',
      `${fmt(naive.per.overall, 1)} / ${fmt(naive.per.busy, 1)}`,
    ),
    row('upstream', 'naive: staleness p95 / worst', `${seconds(naive.s.p95)} / ${seconds(naive.s.worst)}${naive.never}`),
  ];
}

await runAsScript(import.meta.url, benchUpstream);
