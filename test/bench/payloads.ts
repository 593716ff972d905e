// Deterministic Standard Webhooks payloads of a chosen size for the hot-path benchmark, and their signatures.
import { concatBytes, utf8 } from '../../src/lib/bytes';
import { keyBytes } from '../../src/providers/standard-webhooks';

export interface SignedWebhook {
  body: Uint8Array;
  headers: Record<string, string>;
  /** What the Standard Webhooks signature covers before the body: `${id}.${timestamp}.`. */
  prefix: string;
  signature: Uint8Array;
}

const SENTENCE = 'Caching is hard; purging the right paths at the right time is the point of this relay. ';

/** A CMS-like event of about `size` bytes: a document with a slug, a category and rich-text blocks. */
export function payloadText(index: number, contentTypes: number, size: number): string {
  const type = `type${index % contentTypes}`;
  const action = index % 3 === 0 ? 'updated' : 'published';
  const data = {
    id: `doc-${index}`,
    slug: `doc-${index}`,
    title: `Document ${index}`,
    category: `cat-${index % 50}`,
    locale: 'en',
    tags: ['news', `tag-${index % 20}`],
    blocks: [] as { type: string; text: string }[],
  };
  const base = JSON.stringify({ type: `${type}.${action}`, timestamp: '2026-11-23T00:00:00Z', data }).length;
  const block = { type: 'paragraph', text: SENTENCE.repeat(4) };
  const blockSize = JSON.stringify(block).length + 1;
  for (let n = base; n + blockSize <= size; n += blockSize) data.blocks.push(block);
  return JSON.stringify({ type: `${type}.${action}`, timestamp: '2026-11-23T00:00:00Z', data });
}

let cachedKey: { secret: string; key: Promise<CryptoKey> } | undefined;

function signingKey(secret: string): Promise<CryptoKey> {
  if (cachedKey?.secret !== secret)
    cachedKey = {
      secret,
      key: crypto.subtle.importKey('raw', keyBytes(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
    };
  return cachedKey.key;
}

/** Signs a body the Standard Webhooks way with a unique id, so the relay never takes it for a redelivery. */
export async function signWebhook(secret: string, id: string, text: string, nowMs: number): Promise<SignedWebhook> {
  const body = utf8(text);
  const timestamp = String(Math.floor(nowMs / 1000));
  const prefix = `${id}.${timestamp}.`;
  const signed = concatBytes(utf8(prefix), body);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await signingKey(secret), signed));
  const header = `v1,${btoa(String.fromCharCode(...signature))}`;
  return {
    body,
    prefix,
    signature,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': header,
    },
  };
}

/** The floor for the same webhook: the HMAC check and JSON.parse, nothing else (the key imported once, as the relay does). */
export async function floorWork(secret: string, webhook: SignedWebhook): Promise<void> {
  const key = await signingKey(secret);
  const signed = concatBytes(utf8(webhook.prefix), webhook.body);
  if (!(await crypto.subtle.verify('HMAC', key, webhook.signature, signed))) throw new Error('floor: bad signature');
  JSON.parse(new TextDecoder().decode(webhook.body));
}
