// @ts-check
// Sends a genuinely signed sample webhook (examples/samples/<provider>.json) to a running relay.
// Usage: npm run send-sample -- <provider> [--url http://127.0.0.1:8787] [--source <sourceId>] [--config file]
// Also `purge-relay send-sample <provider>` (bin/purge-relay.mjs), through sendSample().
import { randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SIGNERS } from './sdk-signers.mjs';
import { readDevVars } from './local-relay.mjs';

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
 * Signs the provider's sample with the secret its source names (from `env`, else .dev.vars) and POSTs it.
 * Throws an Error with a clear message when it cannot; resolves with the relay's answer otherwise.
 * @param {{ provider: string | undefined, url?: string, source?: string, config?: string,
 *   env?: Record<string, string | undefined> }} options
 */
export async function sendSample({
  provider,
  url = 'http://127.0.0.1:8787',
  source,
  config = `${ROOT}examples/config.json`,
  env = process.env,
}) {
  if (provider === undefined || !SAMPLE_PROVIDERS.includes(provider))
    throw new Error(`name a provider: ${SAMPLE_PROVIDERS.join(', ')}`);
  const sample = JSON.parse(readFileSync(`${ROOT}examples/samples/${provider}.json`, 'utf8'));
  if (!existsSync(config)) throw new Error(`no config file at ${config}`);
  /** @type {Record<string, { provider?: string, secrets?: string[] }>} the config's sources (JSON) */
  const sources = JSON.parse(readFileSync(config, 'utf8')).sources ?? {};
  const sourceId = source ?? Object.keys(sources).find((id) => sources[id]?.provider === provider);
  const secretName = sourceId && sources[sourceId]?.secrets?.[0];
  if (!secretName) throw new Error(`no source with provider "${provider}" in ${config}`);
  const secret = env[secretName] ?? readDevVars(`${ROOT}.dev.vars`)[secretName];
  if (!secret) throw new Error(`secret ${secretName} is in neither the environment nor .dev.vars`);
  // Shopify signs only the body, and the relay knows a delivery by it: a real one carries updated_at, so
  // each sample does too (sent twice, the same body would be answered as a duplicate).
  if (provider === 'shopify') sample.body.updated_at = new Date().toISOString();
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
  return { path, status: response.status, ok: response.ok, text: await response.text() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: process.env.RELAY_URL ?? 'http://127.0.0.1:8787' },
      source: { type: 'string' },
      config: { type: 'string', default: `${ROOT}examples/config.json` },
    },
  });
  try {
    const result = await sendSample({ provider: positionals[0], url: values.url, source: values.source, config: values.config });
    console.log(`POST ${result.path} → ${result.status} ${result.text}`);
    if (!result.ok) process.exit(1);
  } catch (error) {
    console.error(`send-sample: ${/** @type {Error} */ (error).message}`);
    process.exit(1);
  }
}
