// @ts-check
// Genuine webhook signatures from the platforms' official SDKs (Node), for send-sample and the tests.
import { constants, createHmac, createPrivateKey, generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { signRequest, verifyRequest } from '@contentful/node-apps-toolkit';
import { encodeSignatureHeader } from '@sanity/webhook';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSignature } from '@hygraph/utils';
import { signatureHelper } from '@kontent-ai/webhook-helper';
import { AppServer, InMemoryShopRepository } from '@shopware-ag/app-server-sdk';
import Stripe from 'stripe';
import { calculateJwkThumbprint, SignJWT } from 'jose';
import { verifySignatureWithJwks } from '@saleor/app-sdk/auth';
/** @import { BinaryToTextEncoding, KeyObject } from 'node:crypto' */
/** @import { IncomingMessage, ServerResponse } from 'node:http' */

/** @param {string} hash @param {string | Buffer} secret @param {string} data @param {BinaryToTextEncoding} encoding */
const hmac = (hash, secret, data, encoding) => createHmac(hash, secret).update(data, 'utf8').digest(encoding);

/** Runs `fn` with Date.now() fixed: some SDKs sign "now" and take no timestamp. @template T @param {number} ms @param {() => T} fn */
function at(ms, fn) {
  const real = Date.now;
  Date.now = () => ms;
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}

// Key pairs for the platforms that sign with public keys: `current` and `previous` are published on the
// key server below (rotation), `rogue` is not (a wrong key).
const KEY_PAIRS = Object.fromEntries(
  ['current', 'previous', 'rogue'].map((kid) => [kid, generateKeyPairSync('rsa', { modulusLength: 2048 })]),
);
/** The key pair a signature names (a key-signed provider's secret is the key id). @param {string} kid */
function keyPair(kid) {
  const pair = KEY_PAIRS[kid];
  if (!pair) throw new Error(`no key pair "${kid}" (current, previous or rogue)`);
  return pair;
}
// Key ids are RFC 7638 thumbprints, as Saleor's JWKS has named its key since 2023 (saleor/saleor
// saleor/core/jwt_manager.py get_key_id: "generates a "thumbprint" as 'kid' field using RFC 7638").
/** @type {Record<string, string>} */
const KIDS = Object.fromEntries(
  await Promise.all(
    Object.keys(KEY_PAIRS).map(async (name) => [
      name,
      await calculateJwkThumbprint(keyPair(name).publicKey.export({ format: 'jwk' })),
    ]),
  ),
);
/** The key id (thumbprint) of a key pair. @param {string} name */
const kidOf = (name) => /** @type {string} */ (KIDS[name]);
/** @param {string} name */
const jwk = (name) => ({ ...keyPair(name).publicKey.export({ format: 'jwk' }), kid: kidOf(name), alg: 'RS256', use: 'sig' });
const JWKS = JSON.stringify({ keys: [jwk('current'), jwk('previous')] });
/**
 * Contentstack's public-keys.json exactly as published: `{"signing-key": <PKCS#1 PEM>}` (read as
 * `["signing-key"]` and loaded with `type: "pkcs1"` by hanoak/contentstack-webhook-verify src/index.ts and
 * src/utils/signature-verify.ts, the only published verifier). @param {string} name
 */
const contentstackKeys = (name) =>
  JSON.stringify({ 'signing-key': keyPair(name).publicKey.export({ format: 'pem', type: 'pkcs1' }) });
// SNS signs with a certificate's key: test certificates made once with `openssl req -x509` (test only).
/** @param {string} name */
const fixture = (name) => readFileSync(new URL(`../test/fixtures/commercetools/${name}`, import.meta.url), 'utf8');
/** @type {Record<string, KeyObject | undefined>} */
const SNS_KEYS = {
  current: createPrivateKey(fixture('sns-current.key')),
  previous: createPrivateKey(fixture('sns-previous.key')),
  rogue: keyPair('rogue').privateKey,
};
/** @param {string} kid */
function snsKey(kid) {
  const key = SNS_KEYS[kid];
  if (!key) throw new Error(`no SNS key "${kid}" (current, previous or rogue)`);
  return key;
}

/** What the key server publishes, by path under `/keys`. @type {Record<string, string | undefined>} */
export const KEY_FILES = {
  '/jwks.json': JWKS,
  '/public-keys.json': contentstackKeys('current'),
  '/sns/current.pem': fixture('sns-current.pem'),
  '/sns/previous.pem': fixture('sns-previous.pem'),
};
/** @type {Map<string, number>} */
const keyFetches = new Map();
/**
 * Rotating key slots, one per test that needs one (`/keys/slots/<slot>/jwks.json`: Saleor's one-key JWKS;
 * `/keys/slots/<slot>/public-keys.json`: Contentstack's shape). `POST /keys/slots/<slot>?serve=<key pair>`
 * publishes another key pair there; `serve=down` makes the slot answer 503. @type {Map<string, string>}
 */
const slots = new Map();

/** @param {string} path @returns {string | undefined} */
function slotFile(path) {
  const [, slot = '', file = ''] = path.match(/^\/slots\/([a-z0-9-]+)\/([a-z.-]+)$/) ?? [];
  const serving = slots.get(slot) ?? 'current';
  if (!slot || serving === 'down') return undefined;
  if (file === 'jwks.json') return JSON.stringify({ keys: [jwk(serving)] });
  if (file === 'public-keys.json') return contentstackKeys(serving);
  return undefined;
}

/** SNS string to sign: `Key\nValue\n` per signed key, in order (docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html). */
/** @param {Record<string, string | undefined>} m */
const snsStringToSign = (m) =>
  (m.Type === 'Notification'
    ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
    : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type']
  )
    .filter((k) => k in m)
    .map((k) => `${k}\n${m[k]}\n`)
    .join('');

const shopwareApp = new AppServer(
  { appName: 'purge-relay-test', appSecret: 'app-secret', authorizeCallbackUrl: 'http://127.0.0.1/authorize' },
  new InMemoryShopRepository(),
);

/**
 * @typedef {{ secret: string, body: string, timestamp?: number, id?: string,
 *   method?: 'DELETE' | 'POST' | 'GET' | 'PUT' | 'PATCH' | 'HEAD' | 'OPTIONS',
 *   path?: string, headers?: Record<string, string>, options?: SourceOptions }} SignInput
 * `timestamp` is in the platform's own unit (ms: Contentful, Sanity, Ghost, Hygraph; s: Standard
 * Webhooks, BigCommerce, Stripe, Contentstack); default now. `options` is the source's options (generic-hmac,
 * google-pubsub, sns): those signers are always given them.
 * @typedef {{ serviceAccount?: string, emailVerified?: boolean, audience?: string, signatureVersion?: string, topicArn?: string,
 *   certBaseUrl?: string, algorithm?: string, signed?: string, encoding?: BinaryToTextEncoding, header?: string,
 *   prefix?: string, timestampHeader?: string, idHeader?: string, messageType?: string, subscribeUrl?: string,
 *   token?: string, saltLength?: 'digest' | 'max', jws?: Record<string, unknown> }} SourceOptions
 * @typedef {(input: SignInput) => Promise<Record<string, string>> | Record<string, string>} Signer
 */

/** The options of a source whose signer needs them (see SignInput). @param {SourceOptions | undefined} options */
const given = (options) => /** @type {SourceOptions} */ (options);

export const SIGNERS = /** @satisfies {Record<string, Signer>} */ ({
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
  // WP Webhooks 3.3.1 (PHP, no SDK): generate_trigger_signature($http_args['body'], $secret_key) =
  // base64_encode(hash_hmac('sha256', $data, $secret, true)) (Ironikus/wp-webhooks@b140d0f).
  wordpress: ({ secret, body }) => ({ 'x-wp-webhook-signature': hmac('sha256', secret, body, 'base64') }),
  shopware: async ({ secret, body }) => ({ 'shopware-shop-signature': await shopwareApp.signer.sign(body, secret) }),
  stripe: ({ secret, body, timestamp = Math.floor(Date.now() / 1000), headers = {} }) => ({
    [headers['x-signature-header'] ?? 'stripe-signature']: Stripe.webhooks.generateTestHeaderString({
      payload: body,
      secret,
      timestamp,
    }),
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
  // Saleor signs in Python (saleor/core/jwt_manager.py: PyJWT api_jws.encode(payload, algorithm="RS256",
  // headers={"kid": ...}, is_payload_detached=True)): sorted compact header, signing input `<b64 header>.<raw
  // body>`. Each signature is checked with Saleor's own @saleor/app-sdk before it is handed out.
  // PyJWT writes b64:false for a detached payload and sorts the header's keys (jwt/api_jws.py encode,
  // sort_headers=True): {"alg","b64","crit","kid","typ"}. `options.jws` replaces header fields, `null` removes
  // one (tests of refusals).
  saleor: async ({ secret: name, body, options }) => {
    const fields = { alg: 'RS256', b64: false, crit: ['b64'], kid: kidOf(name), typ: 'JWT', ...options?.jws };
    const header = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null));
    const head = Buffer.from(JSON.stringify(header)).toString('base64url');
    const jws = `${head}..${rsaSign('sha256', Buffer.from(`${head}.${body}`), keyPair(name).privateKey).toString('base64url')}`;
    if (name !== 'rogue' && !options?.jws) await verifySignatureWithJwks(JWKS, jws, body);
    return { 'saleor-signature': jws };
  },
  // Saleor's deprecated secret-key signature: hex HMAC-SHA256 of the body.
  'saleor-hmac': ({ secret, body }) => ({ 'saleor-signature': hmac('sha256', secret, body, 'hex') }),
  // Contentstack publishes no signer: RSA-PSS SHA-256 of the body, base64, as `v1=`; the salt is the digest's
  // length (32) or, with `options.saltLength: 'max'`, Node's signing default (the largest the key allows).
  contentstack: ({ secret: name, body, options }) => {
    const saltLength = options?.saltLength === 'max' ? constants.RSA_PSS_SALTLEN_MAX_SIGN : 32;
    const key = { key: keyPair(name).privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength };
    return { 'x-contentstack-request-signature': `v1=${rsaSign('sha256', Buffer.from(body), key).toString('base64')}` };
  },
  'contentstack-hmac': ({ secret, body, timestamp = Math.floor(Date.now() / 1000) }) => ({
    'x-contentstack-hmac-signature': `t=${timestamp},v1=${hmac('sha256', secret, `${timestamp}.${body}`, 'hex')}`,
  }),
  // Google Pub/Sub push: an OIDC ID token in Authorization (cloud.google.com/pubsub/docs/authenticate-push-subscriptions).
  'google-pubsub': async ({ secret: kid, timestamp = Math.floor(Date.now() / 1000), options }) => ({
    authorization: `Bearer ${await new SignJWT({
      email: given(options).serviceAccount,
      email_verified: given(options).emailVerified ?? true,
      sub: '109876543210',
    })
      .setProtectedHeader({ alg: 'RS256', kid: kidOf(kid), typ: 'JWT' })
      .setIssuer('https://accounts.google.com')
      .setAudience(/** @type {string} */ (given(options).audience))
      .setIssuedAt(timestamp)
      .setExpirationTime(timestamp + 3600)
      .sign(keyPair(kid).privateKey)}`,
  }),
  // AWS SNS signs fields of the message, not bytes: answers `{body}`, the signed message (not headers).
  sns: ({ secret: kid, body, timestamp = Date.now(), id = 'msg_sample', options: sourceOptions }) => {
    const options = given(sourceOptions);
    const version = options.signatureVersion ?? '1';
    const type = options.messageType ?? 'Notification';
    // docs.aws.amazon.com/sns/latest/dg/http-subscription-confirmation-json.html: a confirmation carries
    // Token and SubscribeURL instead of UnsubscribeURL.
    const links =
      type === 'Notification'
        ? {
            UnsubscribeURL:
              'https://sns.eu-central-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-central-1:123456789012:ct:1',
          }
        : { Token: options.token, SubscribeURL: options.subscribeUrl };
    const message = {
      Type: type,
      MessageId: id,
      TopicArn: options.topicArn,
      Message: body,
      Timestamp: new Date(timestamp).toISOString(),
      SignatureVersion: version,
      // A rogue signature names the genuine certificate.
      SigningCertURL: `${options.certBaseUrl}/${kid === 'rogue' ? 'current' : kid}.pem`,
      ...links,
    };
    const signature = rsaSign(version === '1' ? 'sha1' : 'sha256', Buffer.from(snsStringToSign(message)), snsKey(kid)).toString(
      'base64',
    );
    return { body: JSON.stringify({ ...message, Signature: signature }) };
  },
  // The generic provider's recipe, from a source's options (see src/providers/generic-hmac.ts).
  'generic-hmac': ({ secret, body, timestamp = Math.floor(Date.now() / 1000), id = 'msg_sample', options: sourceOptions }) => {
    const options = given(sourceOptions);
    const hash = options.algorithm ?? 'sha256';
    const [before = '', after = ''] = (options.signed ?? '{body}').split('{body}');
    /** @param {string} text */
    const fill = (text) => text.replaceAll('{timestamp}', String(timestamp)).replaceAll('{id}', id);
    const digest = createHmac(hash, secret)
      .update(fill(before))
      .update(body)
      .update(fill(after))
      .digest(options.encoding ?? 'hex');
    return {
      [String(options.header)]: `${options.prefix ?? ''}${digest}`,
      ...(options.timestampHeader ? { [options.timestampHeader]: String(timestamp) } : {}),
      ...(options.idHeader ? { [options.idHeader]: id } : {}),
    };
  },
});

/**
 * The platforms' own verifiers, for differential tests (`POST /verify/<platform>` answers `{valid}`): what the
 * SDK accepts, the relay must accept, and nothing else.
 * @type {Record<string, (input: SignInput & { ttl?: number }) => boolean>}
 */
const VERIFIERS = {
  // @contentful/node-apps-toolkit verifyRequest over the request as a Node server sees it (path = req.url).
  contentful: ({ secret, body, method = 'POST', path = '/', headers = {}, ttl = 0 }) =>
    verifyRequest(secret, { method, path, headers, body }, ttl),
};

/** @param {string} name @returns {name is keyof typeof SIGNERS} */
const hasSigner = (name) => Object.hasOwn(SIGNERS, name);

/**
 * `GET /keys/<file>` serves KEY_FILES, counting fetches per URL (`GET /keys/__counts`); others 404.
 * @param {IncomingMessage} req @param {ServerResponse} res
 */
function serveKeys(req, res) {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname.slice('/keys'.length);
  if (path === '/__counts')
    return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Object.fromEntries(keyFetches)));
  if (req.method === 'POST' && path.startsWith('/slots/')) {
    slots.set(path.slice('/slots/'.length), url.searchParams.get('serve') ?? 'current');
    return res.writeHead(204).end();
  }
  keyFetches.set(`${path}${url.search}`, (keyFetches.get(`${path}${url.search}`) ?? 0) + 1);
  // An SNS SubscribeURL stand-in (test only): `GET /keys/sns/?Action=ConfirmSubscription&...` confirms.
  if (path === '/sns/' && url.searchParams.get('Action') === 'ConfirmSubscription')
    return res.writeHead(200, { 'content-type': 'text/xml' }).end('<ConfirmSubscriptionResponse/>');
  const file = KEY_FILES[path] ?? slotFile(path);
  if (!file) return res.writeHead(path.startsWith('/slots/') ? 503 : 404).end('not found');
  res.writeHead(200, { 'content-type': path.endsWith('.pem') ? 'application/x-pem-file' : 'application/json' }).end(file);
}

/**
 * Serves `POST /sign/<provider>` with a SignInput body on 127.0.0.1 (answers the headers as JSON),
 * `POST /verify/<platform>` (the SDK's own verdict), and the public keys under `GET /keys/`.
 * @returns {Promise<import('node:http').Server>}
 */
export function startSignerServer(port = 0) {
  const server = createServer((req, res) => {
    if ((req.method === 'GET' || req.method === 'POST') && req.url?.startsWith('/keys/')) return serveKeys(req, res);
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const provider = decodeURIComponent((req.url ?? '').replace(/^\/(sign|verify)\//, ''));
      try {
        if (req.url?.startsWith('/verify/')) {
          const verifier = Object.hasOwn(VERIFIERS, provider) ? VERIFIERS[provider] : undefined;
          if (!verifier) throw new Error(`no verifier for ${provider}`);
          const valid = verifier(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ valid }));
        }
        // Own names only: "toString" names no signer.
        if (!hasSigner(provider)) throw new Error(`no signer for ${provider}`);
        /** @type {Signer} */
        const signer = SIGNERS[provider];
        // The body is a SignInput, from the tests.
        const headers = await signer(/** @type {SignInput} */ (JSON.parse(Buffer.concat(chunks).toString('utf8'))));
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
