// Genuine webhook signatures from the platforms' official SDKs (Node), for send-sample and the tests.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { signRequest } from '@contentful/node-apps-toolkit';
import { encodeSignatureHeader } from '@sanity/webhook';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSignature } from '@hygraph/utils';
import { signatureHelper } from '@kontent-ai/webhook-helper';
import { AppServer, InMemoryShopRepository } from '@shopware-ag/app-server-sdk';
import Stripe from 'stripe';

const hmac = (hash, secret, data, encoding) => createHmac(hash, secret).update(data, 'utf8').digest(encoding);

/** Runs `fn` with Date.now() fixed: some SDKs sign "now" and take no timestamp. */
function at(ms, fn) {
  const real = Date.now;
  Date.now = () => ms;
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}

const shopwareApp = new AppServer(
  { appName: 'purge-relay-test', appSecret: 'app-secret', authorizeCallbackUrl: 'http://127.0.0.1/authorize' },
  new InMemoryShopRepository(),
);

/**
 * @typedef {{ secret: string, body: string, timestamp?: number, id?: string, method?: string,
 *   path?: string, headers?: Record<string, string> }} SignInput
 * `timestamp` is in the platform's own unit (ms: Contentful, Sanity, Ghost, Hygraph; s: Standard
 * Webhooks, BigCommerce, Stripe, Contentstack); default now. `options` is a generic-hmac source's options.
 */

/** @type {Record<string, (input: SignInput) => Promise<Record<string, string>> | Record<string, string>>} */
export const SIGNERS = {
  contentful: ({ secret, body, timestamp, method = 'POST', path = '/', headers = {} }) =>
    signRequest(secret, { method, path, headers, body }, timestamp ?? Date.now()),
  sanity: async ({ secret, body, timestamp }) => ({
    'sanity-webhook-signature': await encodeSignatureHeader(body, timestamp ?? Date.now(), secret),
  }),
  'standard-webhooks': ({ secret, body, timestamp, id = 'msg_sample' }) => {
    const when = new Date((timestamp ?? Math.floor(Date.now() / 1000)) * 1000);
    return {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(when.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, when, body),
    };
  },
  // Shopify documents the scheme (base64 HMAC-SHA256 of the raw body keyed by the app secret,
  // shopify.dev/docs/apps/build/webhooks/verify-deliveries); its library verifies but does not sign.
  shopify: ({ secret, body }) => ({
    'x-shopify-hmac-sha256': hmac('sha256', secret, body, 'base64'),
  }),
  // Storyblok publishes no SDK signer: hex HMAC-SHA1 of the body (storyblok.com/docs/concepts/webhooks).
  storyblok: ({ secret, body }) => ({ 'webhook-signature': hmac('sha1', secret, body, 'hex') }),
  // Ghost publishes no SDK signer; this is WebhookTrigger.js: hmac(body + ts), `sha256=<hex>, t=<ts>`.
  ghost: ({ secret, body, timestamp = Date.now() }) => ({
    'x-ghost-signature': `sha256=${hmac('sha256', secret, `${body}${timestamp}`, 'hex')}, t=${timestamp}`,
  }),
  // WooCommerce (PHP): base64_encode(hash_hmac('sha256', $payload, $secret, true)).
  woocommerce: ({ secret, body }) => ({ 'x-wc-webhook-signature': hmac('sha256', secret, body, 'base64') }),
  shopware: async ({ secret, body }) => ({ 'shopware-shop-signature': await shopwareApp.signer.sign(body, secret) }),
  stripe: ({ secret, body, timestamp = Math.floor(Date.now() / 1000), headers = {} }) => ({
    [headers['x-signature-header'] ?? 'stripe-signature']: Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }),
  }),
  // BigCommerce signs as Standard Webhooks with the client secret's raw bytes as the key.
  bigcommerce: ({ secret, body, timestamp = Math.floor(Date.now() / 1000), id = 'msg_sample' }) => ({
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': new Webhook(secret, { format: 'raw' }).sign(id, new Date(timestamp * 1000), body),
  }),
  'kontent-ai': ({ secret, body }) => ({ 'x-kontent-ai-signature': signatureHelper.getHashFromString(body, secret) }),
  hygraph: ({ secret, body, timestamp = Date.now(), headers = {} }) => ({
    'gcms-signature': at(timestamp, () =>
      generateWebhookSignature({ rawPayload: body, secret, environmentName: headers['x-environment'] ?? 'master' }),
    ),
  }),
  // The generic provider's recipe, from a source's options (see src/providers/generic-hmac.ts).
  'generic-hmac': ({ secret, body, timestamp = Math.floor(Date.now() / 1000), id = 'msg_sample', options }) => {
    const hash = options.algorithm ?? 'sha256';
    const [before, after = ''] = (options.signed ?? '{body}').split('{body}');
    const fill = (text) => text.replaceAll('{timestamp}', String(timestamp)).replaceAll('{id}', id);
    const digest = createHmac(hash, secret).update(fill(before)).update(body).update(fill(after)).digest(options.encoding ?? 'hex');
    return {
      [options.header]: `${options.prefix ?? ''}${digest}`,
      ...(options.timestampHeader ? { [options.timestampHeader]: String(timestamp) } : {}),
      ...(options.idHeader ? { [options.idHeader]: id } : {}),
    };
  },
};

/** Serves `POST /sign/<provider>` with a SignInput body on 127.0.0.1; answers the headers as JSON. */
export function startSignerServer(port = 0) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const provider = decodeURIComponent((req.url ?? '').replace(/^\/sign\//, ''));
      try {
        const signer = SIGNERS[provider];
        if (!signer) throw new Error(`no signer for ${provider}`);
        const headers = await signer(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(headers));
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
      }
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

// Run directly: print the URL on the first line, then serve until killed (used by the test setup).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = await startSignerServer();
  const address = server.address();
  console.log(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
