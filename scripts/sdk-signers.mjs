// Genuine webhook signatures from the platforms' official SDKs (Node), for send-sample and the tests.
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { signRequest } from '@contentful/node-apps-toolkit';
import { encodeSignatureHeader } from '@sanity/webhook';
import { Webhook } from 'standardwebhooks';

/**
 * @typedef {{ secret: string, body: string, timestamp?: number, id?: string, method?: string,
 *   path?: string, headers?: Record<string, string> }} SignInput
 * `timestamp` is in ms for Contentful and Sanity, in seconds for Standard Webhooks; default now.
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
    'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body, 'utf8').digest('base64'),
  }),
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
