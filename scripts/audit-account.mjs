// @ts-check
// `npm run audit:account`: Gotipath's general limit (4 requests per second for the account) under many distributions
// at once. The relay under wrangler dev against the stand-in (which counts every request of the account and
// refuses a fifth in any second); N distributions each get a manual purge of URL paths, patterns and prefetches at
// the same moment. Prints the calls per second as the stand-in saw them; exits 1 on a fifth call in any second.
import { parseArgs } from 'node:util';
import { startStack } from './stack.mjs';
/** @import { Call } from './gotipath-standin/index.mjs' */

const { values } = parseArgs({
  options: { distributions: { type: 'string', default: '10' }, paths: { type: 'string', default: '300' } },
});
const COUNT = Number(values.distributions);
const PATHS = Number(values.paths);
const WINDOW_MS = 2_000;
const SECRETS = {
  GOTIPATH_CLIENT_ID: 'account-client',
  GOTIPATH_LIBRARY_ID: 'account-library',
  GOTIPATH_API_KEY: 'account-key',
  ADMIN_TOKEN: 'account-audit-token-0123456789',
};
const names = Array.from({ length: COUNT }, (_, i) => `d${i}`);
// Each distribution may make 2 URL calls per 2.1 s: ten together would send 10 a second without the account's limit.
const distribution = (/** @type {string} */ name) => ({
  id: `account-${name}`,
  coalesceMs: 0,
  limits: { windowMs: WINDOW_MS + 100 },
  // Prefetches right after their purge, so the run measures the limiter rather than the warming delay.
  warming: { delayMs: 0 },
});
const CONFIG = { distributions: Object.fromEntries(names.map((n) => [n, distribution(n)])) };

/** The most calls in any `windowMs` (sliding), by the stand-in's clock. @param {number[]} times */
function maxInAnyWindow(times, windowMs = 1_000) {
  let best = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while ((times[lo] ?? 0) <= (times[hi] ?? 0) - windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** @param {string} url @param {string} path @param {unknown} [body] */
async function admin(url, path, body) {
  const response = await fetch(`${url}/admin${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${SECRETS.ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

const stack = await startStack({ name: 'account', secrets: SECRETS, config: CONFIG, windowMs: WINDOW_MS, portBase: 26_000 });
let failed = false;
try {
  const paths = (/** @type {string} */ name) => Array.from({ length: PATHS }, (_, i) => `/${name}/page-${i}`);
  const started = Date.now();
  await Promise.all(
    names.map((name) =>
      admin(stack.relay.url, '/purge', {
        distribution: name,
        paths: paths(name),
        patterns: [`/${name}/a/*`],
        prefetch: [`/${name}/page-0`],
      }),
    ),
  );
  for (;;) {
    /** @type {{ distributions: { pending: Record<string, number> }[] }} */
    const status = await admin(stack.relay.url, '/status');
    if (status.distributions.every((d) => Object.values(d.pending).every((n) => n === 0))) break;
    if (Date.now() - started > 300_000) throw new Error('not drained within 300 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  /** @type {Call[]} */
  const calls = stack.standin.calls;
  const times = calls.map((c) => c.at).sort((a, b) => a - b);
  const seconds = ((times.at(-1) ?? started) - (times[0] ?? started)) / 1000;
  const most = maxInAnyWindow(times);
  const rows = [
    ['distributions', COUNT],
    ['calls to Gotipath (purges, prefetches, all kinds)', calls.length],
    ['  accepted', calls.filter((c) => c.status === 200).length],
    ['most calls in any 1 s (limit 4)', most],
    ['first to last call', `${seconds.toFixed(1)} s`],
    ['calls per second, mean', (calls.length / Math.max(seconds, 0.001)).toFixed(2)],
    ['refused for a rate limit (account / all)', `${stack.standin.accountViolations} / ${stack.standin.violations}`],
  ];
  for (const [k, v] of rows) console.log(`${String(k).padEnd(52)} ${v}`);
  failed = most > 4 || stack.standin.violations > 0;
} finally {
  await stack.stop();
}
process.exitCode = failed ? 1 : 0;
