// @ts-check
// Part 4: the bundle's gzip size (wrangler deploy --dry-run) and the worker's start-up time in workerd.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Miniflare } from 'miniflare';
import { BENCH_SECRETS, COMPATIBILITY_DATE, buildWorker, fmt, median, row, runAsScript } from './lib.mjs';

const TARGET_GZIP_KIB = 50;
const STARTS = 7;

/** A worker that answers at once, with the same bindings as the relay, so only the relay's own code differs. */
const TRIVIAL = `
import { DurableObject } from 'cloudflare:workers';
export class PurgeScheduler extends DurableObject {}
export class SourceState extends DurableObject {}
export class AuthThrottle extends DurableObject {}
export default { fetch: () => new Response('{}', { headers: { 'content-type': 'application/json' } }) };`;

/**
 * The bundle as one listed module: with a bare scriptPath Miniflare first walks the module graph with
 * its own JavaScript parser, which would be timed too. modulesRoot: the bundles live outside the
 * project, and workerd refuses module names with "..".
 * @param {string} dir @param {string} file
 */
function asModule(dir, file) {
  const at = path.join(dir, file);
  return {
    modules: [{ type: /** @type {const} */ ('ESModule'), path: at, contents: readFileSync(at, 'utf8') }],
    modulesRoot: dir,
  };
}

/** @param {ReturnType<typeof asModule>} script */
function options(script) {
  return {
    ...script,
    compatibilityDate: COMPATIBILITY_DATE,
    kvNamespaces: ['CONFIG'],
    durableObjects: {
      PURGE_SCHEDULER: { className: 'PurgeScheduler', useSQLite: true },
      SOURCE_STATE: { className: 'SourceState', useSQLite: true },
      AUTH_THROTTLE: { className: 'AuthThrottle', useSQLite: true },
    },
    bindings: BENCH_SECRETS,
    cf: false,
  };
}

/** From `new Miniflare` to the first response of GET /: workerd start, module evaluation, first request. @param {ReturnType<typeof asModule>} script */
async function coldStart(script) {
  const started = performance.now();
  const mf = new Miniflare(options(script));
  try {
    const response = await mf.dispatchFetch('http://bench.local/');
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`GET / answered ${response.status}`);
    return performance.now() - started;
  } finally {
    await mf.dispose();
  }
}

export async function benchBundle() {
  const outdir = mkdtempSync(path.join(tmpdir(), 'purge-relay-bundle-'));
  try {
    const { uploadKiB, gzipKiB } = await buildWorker(outdir);
    writeFileSync(path.join(outdir, 'trivial.js'), TRIVIAL);
    const relay = asModule(outdir, 'index.js');
    const trivial = asModule(outdir, 'trivial.js');
    /** @type {{ relay: number[], trivial: number[] }} */
    const times = { relay: [], trivial: [] };
    await coldStart(trivial); // the first workerd start of a run also warms the OS caches: not counted
    // Interleaved, so a busy moment on the machine hits both alike.
    for (let i = 0; i < STARTS; i++) {
      times.trivial.push(await coldStart(trivial));
      times.relay.push(await coldStart(relay));
    }
    const extra = median(times.relay) - median(times.trivial);
    return [
      row(
        'bundle',
        'gzip size (wrangler deploy --dry-run)',
        `${fmt(gzipKiB)} KiB (${fmt(uploadKiB)} KiB raw)`,
        `≤ ${TARGET_GZIP_KIB} KiB`,
        gzipKiB <= TARGET_GZIP_KIB,
      ),
      row(
        'bundle',
        `cold start to first response, median of ${STARTS}`,
        `${fmt(median(times.relay), 0)} ms (trivial worker ${fmt(median(times.trivial), 0)} ms)`,
      ),
      row('bundle', "start-up the relay's code adds", `${fmt(extra, 1)} ms`),
    ];
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

await runAsScript(import.meta.url, benchBundle);
