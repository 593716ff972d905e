// Intruders steering outbound requests: webhooks whose headers and bodies name attacker URLs (SNS
// SigningCertURL/SubscribeURL, JWS and JWT jku/x5u, Saleor's api-url, Contentstack key hints, URLs in
// payload fields used for warming) never make the relay fetch anything but the URLs in its config.
import { runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeUtf8, fromBase64, toBase64Url, utf8 } from '../../../src/lib/bytes';
import { createGotipathClient } from '../../../src/purge/gotipath';
import { DEFAULT_GOTIPATH_API } from '../../../src/rules/schema';
import { schedulerFor } from '../../../src/purge/scheduler';
import { postWebhook, putConfig } from '../support/helpers';
import { caseFor, casesConfig, delivery } from '../support/provider-cases';

const EVIL = 'https://evil.example';
const WARM_DIST = 'dist-warm-outbound';

const CONFIG = casesConfig({
  rules: [
    {
      id: 'warm-from-payload',
      distribution: 'warm',
      match: { sources: ['generic'] },
      purge: [{ path: '{+fields.url}', prefetch: true }, '/x{+fields.url}'],
    },
    {
      id: 'warm-through-redirects',
      distribution: 'redirecting',
      match: { sources: ['generic'], contentTypes: ['redirected'] },
      purge: [
        { path: '/found/{id}', prefetch: true },
        { path: '/moved/{id}', prefetch: true },
      ],
    },
  ],
});
const REDIRECT_DIST = 'dist-warm-redirects';
Object.assign(CONFIG.distributions, {
  // Calls enough that a refused path meets the evidence (an accepted call without it) within the alarms run below.
  warm: {
    id: WARM_DIST,
    coalesceMs: 0,
    publicBaseUrl: env.STANDIN_URL,
    warming: { mode: 'http-get', delayMs: 0 },
    limits: { url: { calls: 20, paths: 100 } },
  },
  // Its public site answers every GET with a redirect to another loopback port, standing for another host.
  redirecting: {
    id: REDIRECT_DIST,
    coalesceMs: 0,
    publicBaseUrl: env.REDIRECT_SITE_URL,
    warming: { mode: 'http-get', delayMs: 0 },
  },
});

/** Every URL the config names: the key URLs of the keyed sources and the SNS certificate pattern. */
function configuredUrls() {
  const options = (id: string) => (CONFIG.sources as Record<string, { options?: Record<string, string> }>)[id]!.options!;
  const exact = [options('contentstack').publicKeysUrl!, options('saleor').jwksUrl!, options('ct-pubsub').jwksUrl!];
  return { exact, snsPattern: new RegExp(options('ct-sns').certUrlPattern!) };
}

function allowed(url: string): boolean {
  const { exact, snsPattern } = configuredUrls();
  // The Gotipath API base and the warming distribution's publicBaseUrl are both the stand-in.
  return (
    exact.includes(url) ||
    snsPattern.test(url) ||
    url.startsWith(`${env.STANDIN_URL}/`) ||
    url.startsWith(`${env.REDIRECT_SITE_URL}/`)
  );
}

const json = (part: string) => JSON.parse(decodeUtf8(fromBase64(part)!)) as Record<string, unknown>;
const part = (value: object) => toBase64Url(utf8(JSON.stringify(value)));

/** A compact JWS/JWT with extra header (and claim) fields; its signature no longer matches. */
function withHints(token: string, header: object, claims: object = {}): string {
  const [head = '', body = '', signature = ''] = token.split('.');
  return [part({ ...json(head), ...header }), body ? part({ ...json(body), ...claims }) : '', signature].join('.');
}

const KEY_HINTS = { jku: `${EVIL}/jwks.json`, x5u: `${EVIL}/cert.pem`, kid: 'attacker-key' };

/** Each attack: a name, the source and the request; `status` the answer expected. */
async function attacks() {
  const list: { name: string; source: string; body: string; headers: Record<string, string>; status: number }[] = [];
  const saleor = await delivery(caseFor('saleor'));
  list.push({
    name: 'Saleor JWS with jku/x5u in its header',
    source: 'saleor',
    body: saleor.body,
    headers: { ...saleor.headers, 'saleor-signature': withHints(saleor.headers['saleor-signature']!, KEY_HINTS) },
    status: 401,
  });
  const saleorApi = await delivery(caseFor('saleor'));
  list.push({
    name: 'Saleor with an attacker saleor-api-url (the SDK would fetch its JWKS there)',
    source: 'saleor',
    body: saleorApi.body,
    headers: { ...saleorApi.headers, 'saleor-api-url': `${EVIL}/graphql/`, 'saleor-domain': 'evil.example' },
    status: 202,
  });
  const pubsub = await delivery(caseFor('ct-pubsub'));
  const jwt = pubsub.headers.authorization!.replace(/^Bearer /, '');
  list.push({
    name: 'Pub/Sub JWT with jku/x5u and an attacker iss',
    source: 'ct-pubsub',
    body: pubsub.body,
    headers: { ...pubsub.headers, authorization: `Bearer ${withHints(jwt, KEY_HINTS, { iss: EVIL, jku: KEY_HINTS.jku })}` },
    status: 401,
  });
  const sns = await delivery(caseFor('ct-sns'));
  const message = JSON.parse(sns.body) as Record<string, string>;
  for (const certUrl of [
    `${EVIL}/cert.pem`,
    `${env.KEYS_URL}/sns/a.pem?u=${EVIL}/x.pem`,
    `${env.KEYS_URL}@evil.example/sns/a.pem`,
  ]) {
    list.push({
      name: `SNS with SigningCertURL ${certUrl}`,
      source: 'ct-sns',
      body: JSON.stringify({ ...message, SigningCertURL: certUrl }),
      headers: sns.headers,
      status: 401,
    });
  }
  list.push({
    name: 'SNS SubscriptionConfirmation with an attacker SubscribeURL',
    source: 'ct-sns',
    body: JSON.stringify({ ...message, Type: 'SubscriptionConfirmation', Token: 't', SubscribeURL: `${EVIL}/confirm` }),
    headers: { ...sns.headers, 'x-amz-sns-message-type': 'SubscriptionConfirmation' },
    status: 401,
  });
  const contentstack = await delivery(caseFor('contentstack'));
  list.push({
    name: 'Contentstack with certificate and key-URL hints in headers',
    source: 'contentstack',
    body: contentstack.body,
    headers: {
      ...contentstack.headers,
      'x-contentstack-public-key-url': `${EVIL}/public-keys.json`,
      'x-contentstack-certificate-url': `${EVIL}/cert.pem`,
      'x-forwarded-host': 'evil.example',
    },
    status: 202,
  });
  const generic = caseFor('generic');
  for (const url of [`//evil.example/x`, `/\\evil.example/x`, `@evil.example/x`, `${EVIL}/x`]) {
    const body = JSON.stringify({ event: 'item.published', data: { kind: 'item', id: `it-${url}`, locale: 'ja', url } });
    list.push({
      name: `payload URL ${url} used for warming`,
      source: 'generic',
      ...(await delivery(generic, { body })),
      status: 202,
    });
  }
  return list;
}

beforeAll(async () => {
  await putConfig(CONFIG);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('outbound requests', () => {
  it('go only to URLs from the config, whatever URLs a webhook carries', async () => {
    const list = await attacks();
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    for (const attack of list) {
      const response = await postWebhook(attack.source, attack.body, attack.headers);
      expect(response.status, attack.name).toBe(attack.status);
      await response.body?.cancel();
    }
    // Drive the warming distribution's purges and warming GETs (publicBaseUrl + path).
    const warm = schedulerFor(env, WARM_DIST);
    for (let i = 0; i < 6; i++) await runDurableObjectAlarm(warm);
    const urls = fetchSpy.mock.calls.map(([input]) => (input instanceof Request ? input.url : String(input)));
    for (const url of urls) expect(new URL(url).hostname, url).not.toMatch(/evil/);
    for (const url of urls) expect(allowed(url), url).toBe(true);
    // The warming GETs happened, all on the configured public origin.
    const warming = urls.filter((u) => !u.includes('/v1/') && u.startsWith(env.STANDIN_URL));
    expect(warming.length).toBeGreaterThan(0);
    for (const url of warming) expect(new URL(url).origin).toBe(new URL(env.STANDIN_URL).origin);
  });
});

describe('warming GETs answered with a redirect (F8)', () => {
  // The sites are shared by every test file running at once: only this test's pages (…/r1) count here.
  const requests = async (base: string) =>
    (await (await fetch(`${base}/__requests`)).json<string[]>()).filter((p) => p !== '/' && p.endsWith('/r1'));

  it('never follow it, so the host it names (not in the config) gets no request; the 3xx counts as warmed', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const body = JSON.stringify({ event: 'item.published', data: { kind: 'redirected', id: 'r1', locale: 'ja' } });
    const response = await postWebhook('generic', body, (await delivery(caseFor('generic'), { body })).headers);
    expect(response.status).toBe(202);
    const scheduler = schedulerFor(env, REDIRECT_DIST);
    // Alarms until both pages were asked for (a few: the purge, then the prefetches after it).
    for (let i = 0; i < 40 && (await requests(env.REDIRECT_SITE_URL)).length < 2; i++) {
      if (!(await runDurableObjectAlarm(scheduler))) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const calls = [...fetchSpy.mock.calls];

    // The public site was asked for both pages (302 and 301); the other host, for nothing.
    expect((await requests(env.REDIRECT_SITE_URL)).sort()).toEqual(['/found/r1', '/moved/r1']);
    expect((await (await fetch(`${env.OTHER_HOST_URL}/__requests`)).json<string[]>()).filter((p) => p.endsWith('/r1'))).toEqual(
      [],
    );
    // Every fetch the relay made asked not to follow redirects, and none named the other host.
    // (The test's own look at the site's request log goes through fetch too: left out.)
    const warming = calls.filter(
      ([input]) => String(input).startsWith(env.REDIRECT_SITE_URL) && !String(input).endsWith('/__requests'),
    );
    expect(warming.length).toBe(2);
    for (const [, init] of warming) expect(init?.redirect).toBe('manual');
    for (const [input] of calls) expect(String(input)).not.toContain(env.OTHER_HOST_URL);
    // Warmed: the prefetch rows are done, with the redirect's status in the ledger.
    const journey = await scheduler.journey(JSON.parse(await response.text()).eventId);
    const prefetches = journey.filter((j) => j.kind === 'prefetch');
    expect(prefetches.map((p) => p.steps.at(-1)).map((s) => [s?.step, s?.status])).toEqual([
      ['call', 302],
      ['call', 301],
    ]);
  });
});

describe('a Gotipath API base that redirects', () => {
  it('is a failed call, and the host it names never sees the X-Auth headers', async () => {
    const before = (await (await fetch(`${env.OTHER_HOST_URL}/__requests`)).json<string[]>()).length;
    const client = createGotipathClient({
      baseUrl: env.REDIRECT_SITE_URL,
      clientId: 'c',
      libraryId: 'l',
      apiKey: 'a-key-that-must-stay-home',
      api: DEFAULT_GOTIPATH_API,
    });
    expect(await client.purge('d', 'url', ['/a'])).toMatchObject({ ok: false, status: 302 });
    expect(await client.purge('d', 'url', ['/a'])).toMatchObject({ ok: false, status: 302 });
    const after = (await (await fetch(`${env.OTHER_HOST_URL}/__requests`)).json<string[]>()).length;
    expect(after).toBe(before);
  });
});
