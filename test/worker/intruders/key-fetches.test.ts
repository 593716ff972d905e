// Intruders steering key fetches (SECURITY.md, F7): unauthenticated SNS messages naming certificate URLs
// inside the allow-list cannot flush another source's keys, make more than a few fetches a minute, or make
// the same failed fetch twice; each source's key cache is bounded on its own.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import slugChanged from '../../fixtures/commercetools/product-slug-changed.json?raw';
import {
  cachedRing,
  FAILURE_TTL_MS,
  MISSING_TTL_MS,
  NEW_URLS_PER_MINUTE,
  REFRESH_MS,
  refreshedRing,
  URLS_PER_SOURCE,
  type KeyRing,
} from '../../../src/providers/key-cache';
import { unauthorized, unavailable } from '../../../src/errors';
import { postWebhook, putConfig, sign } from '../support/helpers';
import { SNS_TOPIC } from '../support/cases/keyed';
import { casesConfig } from '../support/provider-cases';
import { errorOf, keyFetches, postSigned } from '../providers/helpers';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const snsSource = () => ({
  provider: 'commercetools',
  options: { push: 'sns', topicArn: SNS_TOPIC, certUrlPattern: `^${escapeRegex(env.KEYS_URL)}/sns/[a-z]+\\.pem$` },
});

beforeAll(async () => {
  await putConfig(
    casesConfig({
      sources: {
        'sns-flood': snsSource(),
        'sns-missing': snsSource(),
        'saleor-isolated': { provider: 'saleor', options: { jwksUrl: `${env.KEYS_URL}/jwks.json?source=isolated` } },
      },
    }),
  );
});

/** A genuinely signed SNS message whose SigningCertURL is replaced by `/sns/<name>.pem` (inside the allow-list). */
async function namingCertificate(name: string): Promise<string> {
  const signed = await sign('sns', {
    secret: 'current',
    body: slugChanged,
    id: crypto.randomUUID(),
    options: { topicArn: SNS_TOPIC, certBaseUrl: `${env.KEYS_URL}/sns` },
  });
  return signed.body!.replace(/\/sns\/current\.pem"/, `/sns/${name}.pem"`);
}

/** `n` distinct lowercase names. */
const names = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${i.toString(26).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)]!)}`);

describe('certificate URLs named by unauthenticated SNS messages', () => {
  it("cannot flush another source's keys: 70 new certificate URLs make at most 5 fetches, and the JWKS stays cached", async () => {
    expect((await postSigned('saleor-isolated', undefined, { as: 'saleor' })).status).toBe(202);
    const statuses: number[] = [];
    for (const name of names('flood', 70))
      statuses.push((await postWebhook('sns-flood', await namingCertificate(name), {})).status);
    expect(statuses.slice(0, NEW_URLS_PER_MINUTE)).toEqual(Array(NEW_URLS_PER_MINUTE).fill(401));
    expect(new Set(statuses.slice(NEW_URLS_PER_MINUTE))).toEqual(new Set([503]));
    const fetched = Object.keys(await keyFetches()).filter((path) => path.startsWith('/sns/flood'));
    expect(fetched).toHaveLength(NEW_URLS_PER_MINUTE);
    // The other source's keys were never evicted: no second JWKS fetch.
    expect((await postSigned('saleor-isolated', undefined, { as: 'saleor' })).status).toBe(202);
    expect((await keyFetches())['/jwks.json?source=isolated']).toBe(1);
  });

  it('says why a message is refused once its source passed the limit, without fetching', async () => {
    const response = await postWebhook('sns-flood', await namingCertificate('floodlate'), {});
    expect(response.status).toBe(503);
    expect(await errorOf(response)).toBe('too many new signing certificate URLs for this source in the last minute; retry later');
    expect((await keyFetches())['/sns/floodlate.pem']).toBeUndefined();
  });

  it('fetches a certificate URL that does not exist once, and answers the next message from that failure', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await postWebhook('sns-missing', await namingCertificate('missing'), {});
      expect(response.status).toBe(401);
      expect(await errorOf(response)).toBe('the signing certificate the message names does not exist');
    }
    expect((await keyFetches())['/sns/missing.pem']).toBe(1);
  });
});

describe('the key cache (pure, with a counting loader)', () => {
  const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const ring: KeyRing = { byKid: new Map(), all: [] };
  const counting = () => {
    const loads: string[] = [];
    const loader = (url: string) => () => (loads.push(url), Promise.resolve(ring));
    return { loads, loader };
  };
  const at = (source: string, url: string, namedByRequest = false) => ({ source, url, algorithm: RSA, namedByRequest });

  it('bounds each source on its own: the least recently used URL of a full source goes, another source keeps its keys', async () => {
    const { loads, loader } = counting();
    const now = Date.now();
    await cachedRing(at('lru-b', 'https://b/keys'), now, loader('b'));
    for (let i = 0; i <= URLS_PER_SOURCE; i++) await cachedRing(at('lru-a', `https://a/${i}`), now, loader(`a${i}`));
    await cachedRing(at('lru-a', 'https://a/0'), now, loader('a0 again'));
    await cachedRing(at('lru-a', `https://a/${URLS_PER_SOURCE}`), now, loader('newest again'));
    await cachedRing(at('lru-b', 'https://b/keys'), now, loader('b again'));
    expect(loads).toContain('a0 again');
    expect(loads).not.toContain('newest again');
    expect(loads).not.toContain('b again');
  });

  it('answers a failure again for FAILURE_TTL_MS (503) or MISSING_TTL_MS (401), then fetches anew', async () => {
    const now = Date.now();
    for (const [failure, ttl] of [
      [unavailable('could not fetch the signing keys; retry later'), FAILURE_TTL_MS],
      [unauthorized('the signing certificate the message names does not exist'), MISSING_TTL_MS],
    ] as const) {
      let loads = 0;
      const failing = () => (loads++, Promise.reject(failure));
      const where = at(`failing-${failure.status}`, 'https://k/x');
      await expect(cachedRing(where, now, failing)).rejects.toBe(failure);
      await expect(cachedRing(where, now + ttl - 1, failing)).rejects.toBe(failure);
      expect(loads).toBe(1);
      await expect(cachedRing(where, now + ttl, failing)).rejects.toBe(failure);
      expect(loads).toBe(2);
    }
  });

  it('limits new URLs a message names per source and minute; URLs of the config are not limited', async () => {
    const { loader } = counting();
    const now = Date.now();
    for (let i = 0; i < NEW_URLS_PER_MINUTE; i++) await cachedRing(at('limited', `https://sns/${i}`, true), now, loader('x'));
    await expect(cachedRing(at('limited', 'https://sns/one-more', true), now, loader('x'))).rejects.toMatchObject({
      status: 503,
    });
    await expect(cachedRing(at('limited', 'https://sns/one-more', true), now + 60_000, loader('x'))).resolves.toBe(ring);
    for (let i = 0; i < 2 * NEW_URLS_PER_MINUTE; i++) await cachedRing(at('unlimited', `https://jwks/${i}`), now, loader('x'));
  });

  it('refreshes keys a signature refused at most once a minute, and never a URL the message named', async () => {
    const { loads, loader } = counting();
    const now = Date.now();
    await cachedRing(at('refreshing', 'https://jwks'), now, loader('first'));
    expect(await refreshedRing(at('refreshing', 'https://jwks'), now + REFRESH_MS - 1, loader('too soon'))).toBeUndefined();
    expect(await refreshedRing(at('refreshing', 'https://jwks'), now + REFRESH_MS, loader('refresh'))).toBe(ring);
    await cachedRing(at('refreshing', 'https://cert', true), now, loader('cert'));
    expect(
      await refreshedRing(at('refreshing', 'https://cert', true), now + 10 * REFRESH_MS, loader('cert again')),
    ).toBeUndefined();
    expect(loads).toEqual(['first', 'refresh', 'cert']);
  });
});
