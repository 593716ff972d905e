// @ts-check
// Starts the relay locally under `wrangler dev` (workerd, real local KV and Durable Objects) and talks to it.
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cronTriggers } from '../bin/lib/wrangler-toml.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRANGLER = `${ROOT}node_modules/.bin/wrangler`;

/**
 * Reads KEY=VALUE lines (comments and blanks skipped), as wrangler reads .dev.vars.
 * @param {string} file @returns {Record<string, string>}
 */
export function readDevVars(file) {
  if (!existsSync(file)) return {};
  /** @type {Record<string, string>} */
  const vars = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    // Both groups always take part in a match.
    const [, name = '', value = ''] = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line) ?? [];
    if (name) vars[name] = value.replace(/^"(.*)"$/, '$1');
  }
  return vars;
}

/**
 * Runs `wrangler dev` on 127.0.0.1 with the given vars (secrets included) and waits until it answers. Like
 * `npm run deploy`, it tells the Worker its cron triggers (DEPLOYED_CRONS), so `purge-relay doctor` can check them.
 * @param {{ port: number, vars: Record<string, string>, persistTo?: string, log?: (line: string) => void,
 *   readyTimeoutMs?: number }} options
 */
export async function startLocalRelay({ port, vars, persistTo, log = () => {}, readyTimeoutMs = 60_000 }) {
  const args = ['dev', '--port', String(port), '--ip', '127.0.0.1', '--show-interactive-dev-session=false'];
  if (persistTo) args.push('--persist-to', persistTo);
  const crons = JSON.stringify(cronTriggers(readFileSync(`${ROOT}wrangler.toml`, 'utf8')));
  for (const [name, value] of Object.entries({ DEPLOYED_CRONS: crons, ...vars })) args.push('--var', `${name}:${value}`);
  const child = spawn(WRANGLER, args, {
    cwd: ROOT,
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  /** @type {string[]} */
  const output = [];
  /** @param {Buffer} chunk */
  const collect = (chunk) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      output.push(line);
      log(line);
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  // Wrangler's whole process group: its workerd child must not outlive it. NaN if the spawn failed: kill throws.
  const group = -Number(child.pid);
  // If this process exits without stopping it (a test runner's timeout), wrangler's group goes with it.
  const killOnExit = () => {
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', killOnExit);
  /**
   * Stops wrangler and its workerd; `SIGKILL` is a crash (nothing gets to finish).
   * @param {NodeJS.Signals} [signal] @returns {Promise<void>}
   */
  const stop = (signal = 'SIGTERM') =>
    new Promise((resolve) => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      try {
        process.kill(group, signal);
      } catch {
        resolve();
      }
    });
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output.slice(-20).join('\n')}`);
    try {
      if ((await fetch(url)).ok) return { url, stop, output };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`wrangler dev did not answer within ${readyTimeoutMs} ms:\n${output.slice(-20).join('\n')}`);
}

/**
 * PUTs a config document through the admin API; throws with the relay's message if rejected.
 * @param {string} url @param {string} adminToken @param {unknown} config
 * @returns {Promise<{ version: number, warnings?: string[] }>} the relay's receipt
 */
export async function putConfig(url, adminToken, config) {
  const response = await fetch(`${url}/admin/config`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`config rejected (${response.status}): ${JSON.stringify(body, null, 2)}`);
  return body;
}
