// Secrets a config names that cannot protect anything (issue 14): the relay's own settings named as webhook or
// report secrets (I5), and blank or prefix-only values (I6). Refused when the config is saved (422 at the field)
// or warned about; at run time a setup error (a 500 naming the setting to the operator only), never a 202.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import wrangler from '../../../wrangler.toml?raw';
import worker from '../../../src/index';
import { MISCONFIGURED } from '../../../src/errors';
import { CONFIG_POINTER_KEY, configVersionKey } from '../../../src/rules/store';
import { RELAY_SETTINGS } from '../../../src/settings';
import { ADMIN, ORIGIN, baseConfig, secret, sign } from '../support/helpers';

/** Standard Webhooks headers signed with raw key bytes (the SDK refuses an empty key; the relay took one). */
async function standardHeaders(key: Uint8Array, body: string): Promise<Record<string, string>> {
  const id = `msg_${crypto.randomUUID()}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const data = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  // HMAC (RFC 2104) by hand: WebCrypto will not import an empty key.
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? new Uint8Array(await crypto.subtle.digest('SHA-256', key)) : key);
  const pad = (x: number) => block.map((b) => b ^ x);
  const inner = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array([...pad(0x36), ...data])));
  const mac = new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array([...pad(0x5c), ...inner])));
  const signature = btoa(String.fromCharCode(...mac));
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

// Secrets with values that sign nothing: the Worker has them in this file only.
const WORKER = { ...env, BLANK_SECRET: ' \t ', PREFIX_ONLY_SECRET: 'whsec_', PREFIX_BLANK_SECRET: 'whsec_  ' } as Env;

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch!(new Request(`${ORIGIN}${path}`, init) as never, WORKER, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}
const putConfig = (config: unknown, query = '') =>
  call(`/admin/config${query}`, {
    method: 'PUT',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });

/** The names of wrangler.toml's [vars] (its keys up to the next table). */
const wranglerVars = () =>
  [...(/^\[vars\]\n([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(wrangler)?.[1] ?? '').matchAll(/^([A-Z][A-Z0-9_]*)\s*=/gm)].map(
    (m) => m[1]!,
  );

describe("the relay's own settings as a config's secrets (I5)", () => {
  it('covers every [vars] entry of wrangler.toml, the Gotipath secrets and ADMIN_TOKEN', () => {
    expect(wranglerVars().length).toBeGreaterThan(0);
    for (const name of [...wranglerVars(), 'ADMIN_TOKEN', 'GOTIPATH_CLIENT_ID', 'GOTIPATH_LIBRARY_ID', 'GOTIPATH_API_KEY'])
      expect(RELAY_SETTINGS).toContain(name);
  });

  it.each(RELAY_SETTINGS)('refuses %s as a webhook secret and as a report secret, at the exact field (422)', async (name) => {
    const config = baseConfig({
      distributions: { main: { id: 'dist-i5', tags: { reportSecret: name } } },
      sources: { strapi: { provider: 'strapi', secrets: ['STRAPI_TOKEN', name] } },
      rules: [],
    });
    const response = await putConfig(config, '?dryRun=1');
    expect(response.status).toBe(422);
    const { issues } = await response.json<{ issues: { path: string; message: string }[] }>();
    const message = `${name} is one of the relay's own settings (${RELAY_SETTINGS.join(', ')}); name a Worker secret of its own`;
    expect(issues).toEqual([
      { path: 'sources.strapi.secrets[1]', message },
      { path: 'distributions.main.tags.reportSecret', message },
    ]);
  });

  it('in a version stored before this check, answers that source 500 (never 202), and the other sources still work', async () => {
    // Written straight into KV, as an older relay would have stored it.
    const stored = baseConfig({ sources: { ...baseConfig().sources, leaky: { provider: 'strapi', secrets: ['ADMIN_TOKEN'] } } });
    await env.CONFIG.put(configVersionKey(500), JSON.stringify(stored));
    await env.CONFIG.put(CONFIG_POINTER_KEY, JSON.stringify({ version: 500, savedAt: new Date().toISOString() }));
    await new Promise((r) => setTimeout(r, 1_100)); // the isolate re-reads the pointer once a second
    const body = JSON.stringify({ event: 'entry.publish', model: 'article', entry: { id: 1, slug: 'a' } });
    const post = (source: string, token: string) =>
      call(`/webhooks/${source}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
    const leaky = await post('leaky', secret('ADMIN_TOKEN'));
    expect([leaky.status, await leaky.json()]).toEqual([500, { error: MISCONFIGURED }]);
    expect((await post('strapi', secret('STRAPI_TOKEN'))).status).toBe(202);
  });
});

describe('blank and prefix-only secrets (I6)', () => {
  const config = baseConfig({
    distributions: { main: { id: 'dist-i6', coalesceMs: 0, tags: { reportSecret: 'BLANK_SECRET' } } },
    sources: {
      shop: { provider: 'shopify', secrets: ['BLANK_SECRET'] },
      std: { provider: 'standard-webhooks', secrets: ['PREFIX_ONLY_SECRET'] },
      std2: { provider: 'standard-webhooks', secrets: ['PREFIX_BLANK_SECRET'] },
    },
    rules: [{ id: 'all', distribution: 'main', purge: ['/x/{id}'] }],
  });
  const warning = (what: string) => `${what}: its requests are answered 500 until it is set`;

  beforeAll(async () => {
    const response = await putConfig(config);
    expect(response.status).toBe(200);
  });

  it('are saved with a warning naming each, never its value', async () => {
    const { warnings } = await (await putConfig(config, '?dryRun=1')).json<{ warnings: string[] }>();
    expect(warnings).toEqual([
      warning('source "shop": Worker secret BLANK_SECRET is empty or only whitespace'),
      warning('source "std": Worker secret PREFIX_ONLY_SECRET holds only the prefix "whsec_"'),
      warning('source "std2": Worker secret PREFIX_BLANK_SECRET holds only the prefix "whsec_"'),
      warning('distribution "main": Worker secret BLANK_SECRET (tags.reportSecret) is empty or only whitespace'),
    ]);
  });

  it('never verify a webhook signed with them: a 500 setup error, with the detail for the operator only', async () => {
    const shopBody = JSON.stringify({ id: 1, handle: 'a' });
    const shop = await call('/webhooks/shop', {
      method: 'POST',
      headers: { 'x-shopify-topic': 'products/update', ...(await sign('shopify', { secret: ' \t ', body: shopBody })) },
      body: shopBody,
    });
    expect([shop.status, await shop.json()]).toEqual([500, { error: MISCONFIGURED }]);
    const stdBody = JSON.stringify({ type: 'post.published', data: { id: 'p1' } });
    // What an attacker signs with: an empty key ("whsec_" decodes to no bytes), and "whsec_  " taken as UTF-8.
    for (const [source, key] of [
      ['std', new Uint8Array()],
      ['std2', new TextEncoder().encode('whsec_  ')],
    ] as const) {
      const std = await call(`/webhooks/${source}`, {
        method: 'POST',
        headers: await standardHeaders(key, stdBody),
        body: stdBody,
      });
      expect([std.status, await std.json()], source).toEqual([500, { error: MISCONFIGURED }]);
    }
    const logged = await call('/admin/deliveries?source=shop', { headers: ADMIN });
    const { refusals } = await logged.json<{ refusals: { message: string }[] }>();
    expect(refusals[0]!.message).toBe(`${MISCONFIGURED}: source "shop": secret BLANK_SECRET is empty or only whitespace`);
  });

  it('never authenticate a tag report', async () => {
    const report = await call('/tags/main', { method: 'POST', headers: { authorization: 'Bearer  ' }, body: '{}' });
    expect([report.status, await report.json()]).toEqual([500, { error: MISCONFIGURED }]);
  });

  it('an ADMIN_TOKEN of spaces is refused like a short one', async () => {
    const ctx = createExecutionContext();
    const response = await worker.fetch!(
      new Request(`${ORIGIN}/admin/config`, { headers: { authorization: `Bearer ${' '.repeat(20)}x` } }) as never,
      { ...env, ADMIN_TOKEN: ' '.repeat(20) } as Env,
      ctx,
    );
    expect(response.status).toBe(500);
  });
});
