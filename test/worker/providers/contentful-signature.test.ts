// Contentful's canonical request, differentially against @contentful/node-apps-toolkit itself: for webhook
// URLs with %-escapes, `+`, non-ASCII and a second `?`, and for signed-header lists the toolkit treats in its
// own way, the relay accepts exactly what the toolkit's verifyRequest accepts (src/requests/utils.ts,
// verify-request.ts, sign-request.ts at contentful/node-apps-toolkit@42bf35e; 3.16.1 installed, same code).
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalPath } from '../../../src/providers/contentful';
import { ORIGIN, putConfig, secret, sign, workerFetch } from '../support/helpers';
import { caseFor, casesConfig } from '../support/provider-cases';

beforeAll(async () => {
  await putConfig(casesConfig());
});

const CASE = caseFor('contentful');
const SECRET = secret('CONTENTFUL_SECRET');

interface Delivery {
  /** The request target on the wire (what a Node server sees as req.url). */
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A delivery to `raw` (as a platform would request it), signed by the toolkit over the target as sent. */
async function signed(raw: string, extra: Record<string, string> = {}): Promise<Delivery> {
  const url = new URL(`${ORIGIN}${raw}`);
  const path = `${url.pathname}${url.search}`;
  const body = CASE.body(crypto.randomUUID());
  const headers = { ...CASE.headers, ...extra };
  const signature = await sign('contentful', { secret: SECRET, body, path, headers });
  return { path, headers: { ...headers, ...signature }, body };
}

/** The toolkit's own verdict (verifyRequest, TTL off: the relay keeps its own window). */
async function toolkitAccepts(delivery: Delivery): Promise<boolean> {
  const input = { secret: SECRET, method: 'POST', ...delivery, ttl: 0 };
  const response = await fetch(`${env.SIGNER_URL}/verify/contentful`, { method: 'POST', body: JSON.stringify(input) });
  return (await response.json<{ valid: boolean }>()).valid;
}

async function relayAccepts(delivery: Delivery): Promise<boolean> {
  const response = await workerFetch(
    new Request(`${ORIGIN}${delivery.path}`, { method: 'POST', headers: delivery.headers, body: delivery.body }),
  );
  const status = response.status;
  await response.body?.cancel();
  if (status !== 202 && status !== 401) throw new Error(`unexpected ${status}`);
  return status === 202;
}

const URLS = [
  '/webhooks/contentful?q=a%20b&r=%2F%25',
  '/webhooks/contentful?tag=a+b&plus=%2B',
  '/webhooks/contentful?city=Zürich&emoji=🚀',
  '/webhooks/contentful?a=1?b=2&c=3',
  '/webhooks/content%66ul?x=1',
  '/webhooks/contentful?',
  "/webhooks/contentful?safe=-_.!~*'()",
];

describe('contentful canonical path, as the toolkit makes it', () => {
  it('escapes without decoding, drops what follows a second ?, and double-encodes the query', () => {
    expect(canonicalPath('/webhooks/cf?a=1?b=2')).toBe('/webhooks/cf?a%253D1');
    expect(canonicalPath('/web%20hooks/cf')).toBe('/web%2520hooks/cf');
    expect(canonicalPath('/cf?q=a%20b')).toBe('/cf?q%253Da%252520b');
    expect(canonicalPath('/cf?a=b+c&d')).toBe('/cf?a%253Db%252Bc%2526d');
    expect(canonicalPath('/cf?')).toBe('/cf');
  });

  it.each(URLS)('accepts what the toolkit signs and accepts, for %s', async (raw) => {
    const delivery = await signed(raw);
    expect(await toolkitAccepts(delivery)).toBe(true);
    expect(await relayAccepts(delivery)).toBe(true);
  });

  it('agrees with the toolkit on a query changed after signing: refused, except after a second ? (never signed)', async () => {
    for (const raw of URLS) {
      const delivery = await signed(raw);
      const changed = { ...delivery, path: `${delivery.path}${delivery.path.includes('?') ? '&' : '?'}x=2` };
      const verdict = await toolkitAccepts(changed);
      expect(verdict, raw).toBe(raw === '/webhooks/contentful?a=1?b=2&c=3');
      expect(await relayAccepts(changed), raw).toBe(verdict);
    }
  });
});

describe('contentful signed headers, as the toolkit reads them', () => {
  const LIST = 'x-contentful-signed-headers';
  type Variant = [name: string, change: (d: Delivery) => Delivery, toolkitVerdict: boolean];
  const withHeader = (d: Delivery, name: string, value: string | undefined): Delivery => {
    const headers = { ...d.headers };
    if (value === undefined) delete headers[name];
    else headers[name] = value;
    return { ...d, headers };
  };
  const VARIANTS: Variant[] = [
    // Listed but absent: left out (not signed as `name:`), and the list is recomputed without it.
    ['a listed header the request lacks', (d) => withHeader(d, LIST, `${d.headers[LIST]},x-contentful-idempotency-key`), true],
    ['the list in another order', (d) => withHeader(d, LIST, d.headers[LIST]!.split(',').reverse().join(',')), true],
    [
      'the timestamp with a leading zero',
      (d) => withHeader(d, 'x-contentful-timestamp', `0${d.headers['x-contentful-timestamp']}`),
      true,
    ],
    ['an unsigned header added', (d) => withHeader(d, 'x-contentful-webhook-name', 'added'), true],
    ['a signed header dropped from the list', (d) => withHeader(d, LIST, d.headers[LIST]!.replace('content-type,', '')), false],
    [
      'a list entry in capitals (entries match as written)',
      (d) => withHeader(d, LIST, d.headers[LIST]!.replace('content-type', 'Content-Type')),
      false,
    ],
    [
      'a list entry with a space',
      (d) => withHeader(d, LIST, d.headers[LIST]!.replace(',x-contentful-topic', ', x-contentful-topic')),
      false,
    ],
    ['a signed header changed', (d) => withHeader(d, 'x-contentful-topic', 'ContentManagement.Entry.delete'), false],
    ['a signed header removed', (d) => withHeader(d, 'x-contentful-topic', undefined), false],
  ];

  it.each(VARIANTS)('decides as the toolkit: %s', async (_name, change, verdict) => {
    const delivery = change(await signed('/webhooks/contentful'));
    expect(await toolkitAccepts(delivery)).toBe(verdict);
    expect(await relayAccepts(delivery)).toBe(verdict);
  });
});
