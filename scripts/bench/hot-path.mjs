// @ts-check
// Part 1: the webhook hot path inside workerd (real KV and Durable Objects), per payload size and rule count,
// beside the floor (HMAC check + JSON.parse of the same body). Timing happens in the worker: test/bench/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchConfig, contentTypesFor } from './config.mjs';
import { BENCH_SECRETS, buildWorker, fmt, median, quantile, row, runAsScript, startMiniflare } from './lib.mjs';
/** @import { Row } from './lib.mjs' */

/**
 * @typedef {import('miniflare').Miniflare} Miniflare
 * @typedef {{ source: string, secret: string, contentTypes: number, sizeBytes: number, iterations: number,
 *   warmup: number, runId: string }} HotPathInput  What the bench worker (test/bench/hot-path-worker.ts) runs.
 * @typedef {{ pipeline: number[], floor: number[], cpu: number[], meanPaths: number,
 *   roundTrips: Record<string, number> }} HotPathResult  Its answer: times in ms per webhook.
 */

/** @type {[label: string, bytes: number][]} */
const SIZES = [
  ['1 KB', 1024],
  ['10 KB', 10 * 1024],
  ['100 KB', 100 * 1024],
  // Just under the relay's default 1 MiB body limit (MAX_BODY_BYTES).
  ['1 MB', 1024 * 1024 - 1024],
];
const RULES = [10, 1_000, 10_000];
const TARGET = { sizeBytes: 10 * 1024, rules: 10_000, p99Ms: 1, ratio: 2 };

/** @param {Miniflare} mf @param {unknown} config */
async function putConfig(mf, config) {
  const response = await mf.dispatchFetch('http://relay.bench/admin/config', {
    method: 'PUT',
    headers: { authorization: `Bearer ${BENCH_SECRETS.ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  if (!response.ok) throw new Error(`config rejected (${response.status}): ${await response.text()}`);
  await response.arrayBuffer();
}

/** @param {Miniflare} mf @param {HotPathInput} input @returns {Promise<HotPathResult>} */
async function measure(mf, input) {
  const response = await mf.dispatchFetch('http://relay.bench/__bench/hot-path', { method: 'POST', body: JSON.stringify(input) });
  if (!response.ok) throw new Error(`hot-path run failed (${response.status}): ${await response.text()}`);
  // The bench worker's answer (test/bench/hot-path-worker.ts).
  return /** @type {Promise<HotPathResult>} */ (response.json());
}

/** @param {{ iterations?: number, warmup?: number }} [options] */
export async function benchHotPath({ iterations = 200, warmup = 20 } = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'purge-relay-hot-path-'));
  /** @type {Row[]} */
  const rows = [];
  /** @type {Miniflare | undefined} */
  let mf;
  /** @type {Record<string, number>} */
  let roundTrips = {};
  try {
    await buildWorker(outdir, 'test/bench/hot-path.wrangler.toml');
    ({ mf } = await startMiniflare(outdir, 'hot-path-worker.js', { ...BENCH_SECRETS, MAX_BODY_BYTES: '1048576' }));
    for (const rules of RULES) {
      // A coalescing time no run reaches: no alarm flushes the queue while the pipeline is timed.
      await putConfig(mf, benchConfig(rules, { coalesceMs: 600_000 }));
      // Untimed: compiles the hot code and lets the heap settle after the config was parsed.
      const base = { source: 'bench', secret: BENCH_SECRETS.BENCH_SECRET, contentTypes: contentTypesFor(rules) };
      await measure(mf, { ...base, sizeBytes: 10 * 1024, iterations: 0, warmup: 3 * warmup, runId: `r${rules}-warm` });
      for (const [label, sizeBytes] of SIZES) {
        const runId = `r${rules}-s${sizeBytes}`;
        const input = { ...base, sizeBytes, iterations, warmup, runId };
        const result = await measure(mf, input);
        const p50 = median(result.pipeline);
        const p99 = quantile(result.pipeline, 0.99);
        const floor50 = median(result.floor);
        const floor99 = quantile(result.floor, 0.99);
        const ratio = p99 / floor99;
        const isTarget = sizeBytes === TARGET.sizeBytes && rules === TARGET.rules;
        const cpu = `${fmt(median(result.cpu), 3)} / ${fmt(quantile(result.cpu, 0.99), 3)}`;
        const figure = `p50 ${fmt(p50, 3)} / p99 ${fmt(p99, 3)} ms; floor ${fmt(floor50, 3)} / ${fmt(floor99, 3)}; p99 ratio ${fmt(ratio, 1)}×; without round-trips ${cpu}; ${fmt(result.meanPaths, 1)} paths/event`;
        const target = isTarget ? `p99 ≤ ${TARGET.p99Ms} ms and ≤ ${TARGET.ratio}× floor` : '';
        rows.push(
          row(
            'hot-path',
            `${label} body, ${rules.toLocaleString('en')} rules`,
            figure,
            target,
            isTarget ? p99 <= TARGET.p99Ms && ratio <= TARGET.ratio : undefined,
          ),
        );
        if (isTarget) roundTrips = result.roundTrips;
      }
    }
    const listed = Object.entries(roundTrips)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    rows.push(row('hot-path', 'round-trips per webhook (10 KB, 10,000 rules)', listed));
    return rows;
  } finally {
    await mf?.dispose();
    rmSync(outdir, { recursive: true, force: true });
  }
}

await runAsScript(import.meta.url, () => benchHotPath({ iterations: Number(process.env.BENCH_ITERATIONS ?? 200) }));
