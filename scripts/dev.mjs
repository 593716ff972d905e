// @ts-check
// `npm start`: the relay under wrangler dev on :8787, the Gotipath stand-in on :8788 with its caching edge on :8789
// in front of the example origin on :8790, and examples/config.json loaded with its distributions pointed at that
// edge (publicBaseUrl) and origin (verify.originBaseUrl), so purges are verified there (only when the relay has no
// config yet, or with --reset: one saved in the console survives a restart). Ctrl-C stops them all.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startExampleOrigin } from '../examples/origin/server.mjs';
import { startGotipathStandin } from './gotipath-standin/index.mjs';
import { putConfig, readDevVars, startLocalRelay } from './local-relay.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    'standin-port': { type: 'string', default: '8788' },
    'edge-port': { type: 'string', default: '8789' },
    'origin-port': { type: 'string', default: '8790' },
    // Gotipath's back ends process purges in the background, so an accepted purge is not evicted at once: a couple
    // of seconds here lets a newcomer see the edge serve the old page after the 200, then the new one.
    'evict-after-ms': { type: 'string', default: '2000' },
    config: { type: 'string', default: `${ROOT}examples/config.json` },
    // The relay keeps its config in local KV (.wrangler/state): a config saved in the console survives a restart
    // unless this asks for the example again.
    reset: { type: 'boolean', default: false },
    'persist-to': { type: 'string' },
  },
});

/** Fails with one line naming the option when a port is taken. @param {'port' | 'standin-port' | 'edge-port' | 'origin-port'} option */
async function ensureFree(option) {
  const port = Number(values[option]);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`--${option} must be a port number, not "${values[option]}"`);
  await new Promise((resolve, reject) => {
    const probe = createServer()
      .once('error', (/** @type {NodeJS.ErrnoException} */ error) =>
        reject(
          new Error(
            error.code === 'EADDRINUSE'
              ? `port ${port} is already in use (another npm start?): stop that, or choose another with --${option} <port>`
              : `cannot listen on 127.0.0.1:${port} (--${option}): ${error.message}`,
          ),
        ),
      )
      .once('listening', () => probe.close(resolve))
      .listen(port, '127.0.0.1');
  });
}

try {
  for (const option of /** @type {const} */ (['port', 'standin-port', 'edge-port', 'origin-port'])) await ensureFree(option);
} catch (error) {
  console.error(`npm start: ${/** @type {Error} */ (error).message}`);
  process.exit(1);
}

if (!existsSync(`${ROOT}.dev.vars`)) {
  copyFileSync(`${ROOT}.dev.vars.example`, `${ROOT}.dev.vars`);
  console.log('Created .dev.vars from .dev.vars.example (local development values).');
}
const vars = readDevVars(`${ROOT}.dev.vars`);
const origin = await startExampleOrigin({ port: Number(values['origin-port']) });
const evictAfterMs = Number(values['evict-after-ms']);
const standin = await startGotipathStandin({
  port: Number(values['standin-port']),
  credentials: { clientId: vars.GOTIPATH_CLIENT_ID, libraryId: vars.GOTIPATH_LIBRARY_ID, apiKey: vars.GOTIPATH_API_KEY },
  edge: { originUrl: origin.url, port: Number(values['edge-port']), evictAfterMs },
}).catch(async (error) => (await origin.close(), Promise.reject(error)));
console.log(`Example origin on ${origin.url} (${origin.pages.size} pages)`);
console.log(`Gotipath stand-in listening on ${standin.url} (real limits: 2 URL purges of 100 paths per 60 s)`);
console.log(`Caching edge on ${standin.edgeUrl} in front of the origin (evicts ${evictAfterMs} ms after a purge)`);

/**
 * Points the example's distributions at the local edge (publicBaseUrl) and origin (verify.originBaseUrl): those with
 * no publicBaseUrl or one on this machine (a config for a real site keeps its URLs).
 * @param {{ distributions?: Record<string, { publicBaseUrl?: unknown, verify?: Record<string, unknown> }> }} config
 */
function pointAtLocalSite(config) {
  for (const d of Object.values(config.distributions ?? {})) {
    const base = typeof d.publicBaseUrl === 'string' ? new URL(d.publicBaseUrl).hostname : '127.0.0.1';
    if (base !== '127.0.0.1') continue;
    d.publicBaseUrl = standin.edgeUrl;
    d.verify = { ...d.verify, originBaseUrl: origin.url };
  }
  return config;
}

/**
 * The example config, unless the relay already has one (saved in the console before a restart) and no --reset.
 * @param {string} url @param {string} adminToken @returns {Promise<string>} what was loaded, in words
 */
async function loadedConfig(url, adminToken) {
  const live = await fetch(`${url}/admin/config`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (live.ok && !values.reset) {
    const { version } = /** @type {{ version: number }} */ (await live.json());
    return `the config it already had (version ${version}; --reset loads ${values.config.replace(ROOT, '')} again)`;
  }
  const config = pointAtLocalSite(JSON.parse(readFileSync(values.config, 'utf8')));
  const saved = await putConfig(url, adminToken, config);
  for (const warning of saved.warnings ?? []) console.warn(`warning: ${warning}`);
  return `${values.config.replace(ROOT, '')} (config version ${saved.version})`;
}

/** @type {Awaited<ReturnType<typeof startLocalRelay>> | undefined} */
let relay;
try {
  const adminToken = vars.ADMIN_TOKEN;
  if (!adminToken) throw new Error('.dev.vars has no ADMIN_TOKEN (see .dev.vars.example)');
  relay = await startLocalRelay({
    port: Number(values.port),
    vars: { ...vars, GOTIPATH_API_BASE: standin.url },
    persistTo: values['persist-to'],
    log: (line) => console.log(`[relay] ${line}`),
  });
  const loaded = await loadedConfig(relay.url, adminToken);
  console.log(`
purge-relay is running on ${relay.url} with ${loaded}.
  Console:               ${relay.url}/admin/ui   (log in with the admin token ${adminToken}, from .dev.vars)
  Send a signed sample:  npm run send-sample -- contentful   (or sanity, shopify, strapi, standard-webhooks)
  Watch the edge:        curl -sI ${standin.edgeUrl}/blog/hello-from-the-relay   (X-Cache, Age)
  Follow it live:        npx purge-relay tail
  Status:                npx purge-relay status
  Check the setup:       npx purge-relay doctor
The stand-in prints each purge call it receives here. Ctrl-C to stop.`);
} catch (error) {
  console.error(String(/** @type {{ message?: unknown }} */ (error).message ?? error));
  await relay?.stop();
  await standin.close();
  await origin.close();
  process.exit(1);
}

const shutdown = async () => {
  await relay?.stop();
  await standin.close();
  await origin.close();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
