// Sends a genuinely signed sample webhook (examples/samples/<provider>.json) to a running relay.
// Usage: npm run send-sample -- <provider> [--url http://127.0.0.1:8787] [--source <sourceId>] [--config file]
import { randomUUID } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SIGNERS } from './sdk-signers.mjs';
import { readDevVars } from './local-relay.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How each platform attaches its credential and delivery id, given the signed body. */
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

function fail(message) {
  console.error(`send-sample: ${message}`);
  process.exit(1);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: process.env.RELAY_URL ?? 'http://127.0.0.1:8787' },
    source: { type: 'string' },
    config: { type: 'string', default: `${ROOT}examples/config.json` },
  },
});
const provider = positionals[0];
if (!provider) fail('name a provider: contentful, sanity, shopify, strapi or standard-webhooks');
const sampleFile = `${ROOT}examples/samples/${provider}.json`;
if (!existsSync(sampleFile)) fail(`no sample payload at examples/samples/${provider}.json`);
const sample = JSON.parse(readFileSync(sampleFile, 'utf8'));
const config = JSON.parse(readFileSync(values.config, 'utf8'));
const sourceId = values.source ?? Object.keys(config.sources).find((id) => config.sources[id].provider === provider);
const secretName = sourceId && config.sources[sourceId]?.secrets?.[0];
if (!secretName) fail(`no source with provider "${provider}" in ${values.config}`);
const secret = process.env[secretName] ?? readDevVars(`${ROOT}.dev.vars`)[secretName];
if (!secret) fail(`secret ${secretName} is in neither the environment nor .dev.vars`);

const body = JSON.stringify(sample.body);
const path = `/webhooks/${sourceId}`;
const headers = { 'content-type': 'application/json', ...sample.headers, ...(await platformHeaders(provider, secret, body, path)) };
let response;
try {
  response = await fetch(`${values.url}${path}`, { method: 'POST', headers, body });
} catch (error) {
  fail(`could not reach the relay at ${values.url} (${error.cause?.code ?? error.message}); is \`npm start\` running?`);
}
const text = await response.text();
console.log(`POST ${path} → ${response.status} ${text}`);
if (!response.ok) process.exit(1);
