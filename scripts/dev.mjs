// @ts-check
// `npm start`: the Gotipath stand-in on :8788 and the relay under wrangler dev on :8787, with
// examples/config.json loaded. Ctrl-C stops both.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startGotipathStandin } from './gotipath-standin/index.mjs';
import { putConfig, readDevVars, startLocalRelay } from './local-relay.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    'standin-port': { type: 'string', default: '8788' },
    config: { type: 'string', default: `${ROOT}examples/config.json` },
  },
});

if (!existsSync(`${ROOT}.dev.vars`)) {
  copyFileSync(`${ROOT}.dev.vars.example`, `${ROOT}.dev.vars`);
  console.log('Created .dev.vars from .dev.vars.example (local development values).');
}
const vars = readDevVars(`${ROOT}.dev.vars`);
const standin = await startGotipathStandin({
  port: Number(values['standin-port']),
  credentials: { clientId: vars.GOTIPATH_CLIENT_ID, libraryId: vars.GOTIPATH_LIBRARY_ID, apiKey: vars.GOTIPATH_API_KEY },
});
console.log(`Gotipath stand-in listening on ${standin.url} (real limits: 2 URL purges of 100 paths per 60 s)`);

/** @type {Awaited<ReturnType<typeof startLocalRelay>> | undefined} */
let relay;
try {
  const adminToken = vars.ADMIN_TOKEN;
  if (!adminToken) throw new Error('.dev.vars has no ADMIN_TOKEN (see .dev.vars.example)');
  relay = await startLocalRelay({
    port: Number(values.port),
    vars: { ...vars, GOTIPATH_API_BASE: standin.url },
    log: (line) => console.log(`[relay] ${line}`),
  });
  const saved = await putConfig(relay.url, adminToken, JSON.parse(readFileSync(values.config, 'utf8')));
  for (const warning of saved.warnings ?? []) console.warn(`warning: ${warning}`);
  console.log(`
purge-relay is running on ${relay.url} with ${values.config.replace(ROOT, '')} (config version ${saved.version}).
  Send a signed sample:  npm run send-sample -- contentful   (or sanity, shopify, strapi, standard-webhooks)
  Status:                npx purge-relay status
  Check the setup:       npx purge-relay doctor
The stand-in prints each purge call it receives here. Ctrl-C to stop.`);
} catch (error) {
  console.error(String(/** @type {{ message?: unknown }} */ (error).message ?? error));
  await relay?.stop();
  await standin.close();
  process.exit(1);
}

const shutdown = async () => {
  await relay?.stop();
  await standin.close();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
