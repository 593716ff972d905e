// @ts-check
// Shared pieces of the benchmark scripts: paths, the wrangler build, statistics, signing and the table.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
/** @import { SpawnOptions } from 'node:child_process' */
/** @import { Readable } from 'node:stream' */

/**
 * @typedef {{ part: string, measure: string, figure: string, target: string, result: '' | 'pass' | 'MISS' }} Row
 *   One line of the results table.
 */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WRANGLER = path.join(ROOT, 'node_modules/.bin/wrangler');
/** Keeps wrangler offline and quiet (see shared TOOLCHAIN.md). */
export const WRANGLER_ENV = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
  NO_COLOR: '1',
};
/** The relay's compatibility date, read from wrangler.toml so the bench workers run under the same one. */
export const COMPATIBILITY_DATE = /compatibility_date\s*=\s*"([^"]+)"/.exec(
  readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8'),
)?.[1];

/** The Worker settings the bench relays run with (loopback-only values). */
export const BENCH_SECRETS = {
  GOTIPATH_CLIENT_ID: 'standin-client',
  GOTIPATH_LIBRARY_ID: 'standin-library',
  GOTIPATH_API_KEY: 'standin-key',
  ADMIN_TOKEN: 'bench-admin-token-0123456789',
  // A Standard Webhooks secret: "whsec_" + base64 of the key bytes.
  BENCH_SECRET: `whsec_${Buffer.from('purge-relay-benchmark-signing-key').toString('base64')}`,
};

/**
 * Runs a command to its end; resolves with its output, rejects with it on a non-zero exit.
 * @param {string} command @param {string[]} args @param {SpawnOptions} [options] @returns {Promise<string>}
 */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: WRANGLER_ENV, ...options });
    let output = '';
    child.stdout?.on('data', (c) => (output += c));
    child.stderr?.on('data', (c) => (output += c));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}

/** `wrangler deploy --dry-run` of a config into `outdir`: the bundle exactly as it would be uploaded. @param {string} outdir */
export async function buildWorker(outdir, configPath = 'wrangler.toml') {
  const output = await run(WRANGLER, ['deploy', '--dry-run', '--outdir', outdir, '--config', configPath]);
  const size = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(output);
  if (!size) throw new Error(`no "Total Upload" line in wrangler's output:\n${output}`);
  return { output, uploadKiB: Number(size[1]), gzipKiB: Number(size[2]) };
}

/**
 * A bundle from buildWorker running in programmatic Miniflare with the relay's bindings (real local KV and
 * SQLite Durable Objects). The bundle is passed as a listed module: a bare scriptPath would make Miniflare
 * parse it first; modulesRoot because workerd refuses module names with "..".
 * @param {string} outdir @param {string} file @param {Record<string, string>} bindings
 */
export async function startMiniflare(outdir, file, bindings) {
  const { Miniflare } = await import('miniflare');
  const at = path.join(outdir, file);
  const mf = new Miniflare({
    modules: [{ type: 'ESModule', path: at, contents: readFileSync(at, 'utf8') }],
    modulesRoot: outdir,
    compatibilityDate: COMPATIBILITY_DATE,
    kvNamespaces: ['CONFIG'],
    durableObjects: {
      PURGE_SCHEDULER: { className: 'PurgeScheduler', useSQLite: true },
      SOURCE_STATE: { className: 'SourceState', useSQLite: true },
      // The account's general limit (4 requests/s): without it every scheduler alarm fails before sending.
      ACCOUNT_LIMITER: { className: 'AccountLimiter', useSQLite: true },
      AUTH_THROTTLE: { className: 'AuthThrottle', useSQLite: true },
    },
    bindings,
    // The relay logs a line per webhook; it is written (as in production) but not shown.
    handleRuntimeStdio: (/** @type {Readable} */ stdout, /** @type {Readable} */ stderr) => (stdout.resume(), stderr.resume()),
    cf: false,
  });
  const url = (await mf.ready).origin;
  return { mf, url, stop: () => mf.dispose() };
}

/** The q-quantile (0..1) of numbers, nearest-rank. @param {number[]} values @param {number} q @returns {number} */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Within the list: the index is clamped to [0, length - 1].
  return /** @type {number} */ (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]);
}
/** @param {number[]} values */
export const median = (values) => quantile(values, 0.5);

/**
 * Standard Webhooks headers for a body (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md).
 * @param {string} secret @param {string} id @param {string} body
 */
export function signStandard(secret, id, body, nowMs = Date.now()) {
  const timestamp = String(Math.floor(nowMs / 1000));
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** @param {number} n */
export const fmt = (n, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

/**
 * One table row: what was measured, the figure, the target and whether it is met.
 * @param {string} part @param {string} measure @param {string} figure @param {string} [target] @param {boolean} [pass]
 * @returns {Row}
 */
export function row(part, measure, figure, target = '', pass = undefined) {
  return { part, measure, figure, target, result: pass === undefined ? '' : pass ? 'pass' : 'MISS' };
}

/** Prints rows as one Markdown table (so it can be pasted into BENCHMARKS.md as is). @param {Row[]} rows */
export function printTable(rows) {
  /** @type {(keyof Row)[]} */
  const head = ['part', 'measure', 'figure', 'target', 'result'];
  const cells = [head, ...rows.map((r) => head.map((h) => String(r[h])))];
  const widths = head.map((_, i) => Math.max(...cells.map((c) => c[i]?.length ?? 0)));
  /** @param {string[]} c */
  const line = (c) => `| ${c.map((s, i) => s.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log([line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n'));
}

/** Runs a part's main when its file is the script Node was started with. @param {string} metaUrl @param {() => Promise<Row[]>} main */
export async function runAsScript(metaUrl, main) {
  if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(metaUrl)) {
    const rows = await main();
    printTable(rows);
  }
}
