// @ts-check
// Sends a genuinely signed sample webhook (examples/samples/<provider>.json) to a running relay, after changing the
// pages it purges at the local example origin (sample-site.mjs) when its distribution has an edge on 127.0.0.1.
// Usage: npm run send-sample -- <provider> [--url http://127.0.0.1:8787] [--source <sourceId>] [--config file]
//   [--origin http://127.0.0.1:8790]   (the origin when the config names no verify.originBaseUrl)
// Also `purge-relay send-sample <provider>` (bin/purge-relay.mjs), through sendSample().
import { randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createRelay } from '../bin/lib/relay.mjs';
import { SIGNERS } from './sdk-signers.mjs';
import { readDevVars } from './local-relay.mjs';
import { changeSampleSite, describeChange, findSampleSite, watchHints } from './sample-site.mjs';
/** @import { AdminApi } from './sample-site.mjs' */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SAMPLE_PROVIDERS = ['contentful', 'sanity', 'shopify', 'strapi', 'standard-webhooks'];

/**
 * How each platform attaches its credential and delivery id, given the signed body.
 * @param {string} provider @param {string} secret @param {string} body @param {string} path
 * @returns {Promise<Record<string, string>>}
 */
async function platformHeaders(provider, secret, body, path) {
  const id = randomUUID();
  switch (provider) {
    case 'strapi':
      return { authorization: `Bearer ${secret}` };
    case 'contentful':
      return { 'x-contentful-idempotency-key': id, ...(await SIGNERS.contentful({ secret, body, path })) };
    case 'sanity':
      return { 'idempotency-key': id, ...(await SIGNERS.sanity({ secret, body })) };
    case 'shopify':
      return { 'x-shopify-webhook-id': id, 'x-shopify-event-id': id, ...(await SIGNERS.shopify({ secret, body })) };
    case 'standard-webhooks':
      return SIGNERS['standard-webhooks']({ secret, body, id: `msg_${id}` });
    default:
      throw new Error(`no sample signer for provider "${provider}"`);
  }
}

/**
 * A new version of the sample: its own "updated at" field set to `now` (a real delivery carries a new one, the
 * relay knows a Shopify delivery by its body, and the example origin's page gets the same time).
 * @param {string} provider @param {Record<string, any>} body the sample's JSON body @param {string} now
 */
function stampSample(provider, body, now) {
  if (provider === 'contentful') body.sys.updatedAt = now;
  else if (provider === 'sanity') body._updatedAt = now;
  else if (provider === 'shopify') body.updated_at = now;
  else if (provider === 'strapi') body.entry.updatedAt = now;
  else if (provider === 'standard-webhooks') body.data.updatedAt = now;
}

/**
 * Signs the provider's sample with the secret its source names (from `env`, else .dev.vars) and POSTs it. First,
 * when the sample's distribution has an edge on this machine, changes the pages it purges at the example origin.
 * Throws an Error with a clear message when it cannot; resolves with the relay's answer and what to print.
 * @param {{ provider: string | undefined, url?: string, source?: string, config?: string, origin?: string,
 *   env?: Record<string, string | undefined>, relay?: AdminApi }} options `relay` the admin API (else from `url`)
 */
export async function sendSample({
  provider,
  url = 'http://127.0.0.1:8787',
  source,
  config = `${ROOT}examples/config.json`,
  origin,
  env = process.env,
  relay = createRelay({ url }),
}) {
  if (provider === undefined || !SAMPLE_PROVIDERS.includes(provider))
    throw new Error(`name a provider: ${SAMPLE_PROVIDERS.join(', ')}`);
  const sample = JSON.parse(readFileSync(`${ROOT}examples/samples/${provider}.json`, 'utf8'));
  // The relay's live config says which source and secret to sign for (what the console may have changed); the
  // config file only when the live one cannot be read (no token for a remote relay, or no config saved yet).
  /** @type {{ sources?: Record<string, { provider?: string, secrets?: string[] }> } | undefined} */
  const live = await relay
    .call('GET', '/admin/config')
    .then((/** @type {{ config: { sources?: Record<string, { provider?: string, secrets?: string[] }> } }} */ r) => r.config)
    .catch(() => undefined);
  if (!live && !existsSync(config)) throw new Error(`no config file at ${config}`);
  const from = live ? `the relay's live config` : config;
  /** @type {Record<string, { provider?: string, secrets?: string[] }>} the config's sources (JSON) */
  const sources = (live ?? JSON.parse(readFileSync(config, 'utf8'))).sources ?? {};
  const sourceId = source ?? Object.keys(sources).find((id) => sources[id]?.provider === provider);
  const secretName = sourceId && Object.hasOwn(sources, sourceId) ? sources[sourceId]?.secrets?.[0] : undefined;
  if (!sourceId || !secretName)
    throw new Error(`no source with provider "${provider}"${source ? ` named "${source}"` : ''} in ${from}`);
  const secret = env[secretName] ?? readDevVars(`${ROOT}.dev.vars`)[secretName];
  if (!secret) throw new Error(`secret ${secretName} is in neither the environment nor .dev.vars`);
  const now = new Date().toISOString();
  stampSample(provider, sample.body, now);
  /** @type {string[]} */
  const notes = [];
  // Without the admin API (no token for a remote relay) the webhook is still sent, the site left as it is.
  const site = await findSampleSite(relay, { source: sourceId, headers: sample.headers, body: sample.body, origin }).catch(
    (/** @type {Error} */ error) => (notes.push(`(the example site is left as it is: ${error.message})`), null),
  );
  const changed = site ? await changeSampleSite(site, now) : [];
  const body = JSON.stringify(sample.body);
  const path = `/webhooks/${sourceId}`;
  const headers = {
    'content-type': 'application/json',
    ...sample.headers,
    ...(await platformHeaders(provider, secret, body, path)),
  };
  let response;
  try {
    response = await fetch(`${url}${path}`, { method: 'POST', headers, body });
  } catch (caught) {
    const error = /** @type {Error & { cause?: { code?: string } }} */ (caught);
    throw new Error(`could not reach the relay at ${url} (${error.cause?.code ?? error.message}); is \`npm start\` running?`);
  }
  const text = await response.text();
  const before = site ? describeChange(site, changed) : notes;
  const after = site && response.ok ? watchHints(site, changed) : [];
  return { path, status: response.status, ok: response.ok, text, before, after };
}

/** What send-sample prints: the change at the origin, the relay's answer, what to curl. @param {Awaited<ReturnType<typeof sendSample>>} result */
export const formatSample = (result) =>
  [...result.before, `POST ${result.path} → ${result.status} ${result.text}`, ...result.after].join('\n');

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: process.env.PURGE_RELAY_URL ?? 'http://127.0.0.1:8787' },
      source: { type: 'string' },
      config: { type: 'string', default: `${ROOT}examples/config.json` },
      origin: { type: 'string' },
    },
  });
  try {
    const { url, source, config, origin } = values;
    const result = await sendSample({ provider: positionals[0], url, source, config, origin });
    console.log(formatSample(result));
    if (!result.ok) process.exit(1);
  } catch (error) {
    console.error(`send-sample: ${/** @type {Error} */ (error).message}`);
    process.exit(1);
  }
}
