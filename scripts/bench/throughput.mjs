// @ts-check
// Part 2: requests per second under `wrangler dev` on loopback, the relay against a bare Hono worker answering
// 202, with the same signed webhooks, load tool (autocannon), concurrency and duration.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { putConfig, startLocalRelay } from '../local-relay.mjs';
import { benchConfig, contentTypesFor } from './config.mjs';
import { BENCH_SECRETS, ROOT, WRANGLER, WRANGLER_ENV, fmt, row, runAsScript, signStandard, sleep } from './lib.mjs';
/** @import { Result } from 'autocannon' */

const RULES = 1_000;
const BODY_BYTES = 10 * 1024;
const TARGET_RATIO = 0.7;

/** The bare worker under `wrangler dev`, started the way scripts/local-relay.mjs starts the relay. @param {number} port */
async function startBare(port) {
  const child = spawn(
    WRANGLER,
    [
      'dev',
      '--config',
      'test/bench/bare.wrangler.toml',
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--show-interactive-dev-session=false',
    ],
    {
      cwd: ROOT,
      env: WRANGLER_ENV,
      stdio: 'ignore',
      detached: true,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  /** @returns {Promise<void>} */
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      // Its whole process group (workerd with it); NaN if the spawn failed: kill throws.
      process.kill(-Number(child.pid), 'SIGTERM');
    });
  for (let i = 0; i < 300; i++) {
    try {
      await fetch(`${url}/webhooks/x`, { method: 'POST' });
      return { url, stop };
    } catch {
      await sleep(200);
    }
  }
  await stop();
  throw new Error('the bare worker did not start under wrangler dev');
}

/** A 10 KB CMS-like event, the one size the throughput target speaks of. @param {number} index */
function body(index) {
  const type = `type${index % contentTypesFor(RULES)}`;
  const data = { id: `doc-${index}`, slug: `doc-${index}`, category: `cat-${index % 50}`, locale: 'en', text: '' };
  const base = JSON.stringify({ type: `${type}.published`, data }).length;
  data.text = 'x'.repeat(Math.max(0, BODY_BYTES - base));
  return JSON.stringify({ type: `${type}.published`, data });
}

/**
 * autocannon against `url` for `seconds`: every request a freshly signed webhook with its own id.
 * @param {string} url @param {{ connections: number, seconds: number, runId: string }} options
 */
function load(url, { connections, seconds, runId }) {
  let n = 0;
  return autocannon({
    url: `${url}/webhooks/bench`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const i = n++;
          const text = body(i);
          return { ...request, body: text, headers: signStandard(BENCH_SECRETS.BENCH_SECRET, `${runId}-${i}`, text) };
        },
      },
    ],
  });
}

/** @param {{ connections?: number, seconds?: number }} [options] */
export async function benchThroughput({ connections = 10, seconds = 10 } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'purge-relay-throughput-'));
  const port = 18_000 + Math.floor(Math.random() * 1_000);
  /** @type {{ relay?: Result, bare?: Result }} */
  const results = {};
  try {
    const relay = await startLocalRelay({ port, persistTo: path.join(dir, 'state'), vars: BENCH_SECRETS });
    try {
      await putConfig(relay.url, BENCH_SECRETS.ADMIN_TOKEN, benchConfig(RULES, { coalesceMs: 600_000 }));
      await load(relay.url, { connections, seconds: 2, runId: 'warm' });
      results.relay = await load(relay.url, { connections, seconds, runId: 'run' });
    } finally {
      await relay.stop();
    }
    const bare = await startBare(port + 1);
    try {
      await load(bare.url, { connections, seconds: 2, runId: 'warm' });
      results.bare = await load(bare.url, { connections, seconds, runId: 'run' });
    } finally {
      await bare.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Both runs ended above: a failed one threw.
  if (!results.relay || !results.bare) throw new Error('a throughput run did not finish');
  /** @param {Result} r */
  const describe = (r) =>
    `${fmt(r.requests.average, 0)} req/s (p99 latency ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors})`;
  const ratio = results.relay.requests.average / results.bare.requests.average;
  const setup = `${connections} connections, ${seconds} s, 10 KB signed webhooks, ${RULES.toLocaleString('en')} rules`;
  return [
    row('throughput', `relay under wrangler dev (${setup})`, describe(results.relay)),
    row('throughput', 'bare Hono worker answering 202, same load', describe(results.bare)),
    row(
      'throughput',
      'relay / bare',
      `${fmt(ratio)}×`,
      `≥ ${TARGET_RATIO}×`,
      ratio >= TARGET_RATIO && results.relay.non2xx === 0,
    ),
  ];
}

await runAsScript(import.meta.url, benchThroughput);
