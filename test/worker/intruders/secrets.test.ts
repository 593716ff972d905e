// Secrets never leak: through a scenario of accepted and refused webhooks for every provider, admin and
// console calls, a Gotipath that refuses the key or fails, and key servers that fail, no secret value
// and no signature sent appears in a log line, a response, the KV namespace or Durable Object state.
import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromBase64 } from '../../../src/lib/bytes';
import { schedulerFor } from '../../../src/purge/scheduler';
import { createGotipathClient } from '../../../src/purge/gotipath';
import { DEFAULT_GOTIPATH_API } from '../../../src/rules/schema';
import { sourceStateFor } from '../../../src/sources/state';
import { TEST_BINDINGS } from '../../setup/bindings';
import { login } from '../support/console';
import { admin, ORIGIN, postWebhook, putConfig, standinFaults, waitFor, workerFetch } from '../support/helpers';
import { kvSnapshot, secretValues } from '../support/intruders';
import { caseFor, casesConfig, delivery, PROVIDER_CASES, type ProviderCase } from '../support/provider-cases';
import { testDistribution } from '../support/scheduler-harness';

const DIST = 'dist-secrets';
const FAULTY = 'dist-secrets-faulty';
const CONFIG = casesConfig({
  rules: [{ id: 'faulty', distribution: 'faulty', match: { sources: ['sanity'] }, purge: ['/faulty/{fields.slug.current}'] }],
  sources: {
    'keys-down': { provider: 'contentstack', secrets: [], options: { publicKeysUrl: `${env.KEYS_URL}/no-such-keys.json` } },
    'jwks-down': { provider: 'saleor', secrets: [], options: { jwksUrl: `http://127.0.0.1:9/jwks.json` } },
  },
});
Object.assign(CONFIG.distributions, { main: { id: DIST, coalesceMs: 0 }, faulty: testDistribution(FAULTY) });

/** Everything an outsider or an operator could read, gathered as text. */
const seen: { where: string; text: string }[] = [];
const keep = (where: string, text: string) => seen.push({ where, text });
/** Signatures and tokens the scenario sent. */
const sent = new Set<string>();

async function answer(where: string, response: Response): Promise<number> {
  keep(`${where} headers`, JSON.stringify([...response.headers]));
  keep(`${where} body`, await response.text());
  return response.status;
}

/** The signature a delivery carries: its signature header, or SNS's Signature field. */
function signatureOf(c: ProviderCase, body: string, headers: Record<string, string>): string[] {
  const value = c.signatureHeader === 'Signature' ? String(JSON.parse(body).Signature) : headers[c.signatureHeader];
  if (!value) return [];
  // Composite headers (`t=…,v1=…`, `Bearer h.p.s`): the long parts are the secret-derived ones.
  return [value, ...value.split(/[\s,;=.]+/).filter((p) => p.length >= 20)];
}

const tampered = (c: ProviderCase, body: string) => (c.tamper ? c.tamper(body) : body.replace(/\}\s*$/, ' }'));

async function webhooks() {
  for (const c of PROVIDER_CASES) {
    const good = await delivery(c);
    for (const s of signatureOf(c, good.body, good.headers)) sent.add(s);
    expect(await answer(`${c.sourceId} valid`, await postWebhook(c.sourceId, good.body, good.headers))).toBe(202);
    const wrong = await delivery(c, { key: c.wrongSecret ?? `${c.secret}-wrong` });
    for (const s of signatureOf(c, wrong.body, wrong.headers)) sent.add(s);
    expect(await answer(`${c.sourceId} wrong secret`, await postWebhook(c.sourceId, wrong.body, wrong.headers))).toBe(401);
    const again = await delivery(c);
    const status = await answer(`${c.sourceId} tampered`, await postWebhook(c.sourceId, tampered(c, again.body), again.headers));
    if (c.signsBody !== false && !c.embed) expect(status).toBe(401);
  }
  for (const source of ['keys-down', 'jwks-down']) {
    const c = PROVIDER_CASES.find(
      (p) => p.provider === (source === 'keys-down' ? 'contentstack' : 'saleor') && !p.source.options?.signing,
    )!;
    const { body, headers } = await delivery(c);
    expect(await answer(`${source}`, await postWebhook(source, body, headers))).toBe(503);
  }
}

/** Gotipath refuses the key (401), then fails (500): the scheduler logs and records both. */
async function gotipathFailures() {
  const faults = [
    { status: 401, set: { unauthorized: true } },
    { status: 500, set: { unauthorized: null, errorRate: 1, errorStatus: 500 } },
  ];
  for (const { status, set } of faults) {
    await standinFaults({ distribution: FAULTY, ...set });
    const c = caseFor('sanity');
    const { body, headers } = await delivery(c, { body: c.body(crypto.randomUUID()).replace('gruesse', crypto.randomUUID()) });
    await answer('webhook during a Gotipath fault', await postWebhook(c.sourceId, body, headers));
    await waitFor(async () => {
      const calls = await (await fetch(`${env.STANDIN_URL}/__standin/calls`)).json<{ path: string; status: number }[]>();
      return calls.some((call) => call.path.includes(FAULTY) && call.status === status);
    });
  }
  await standinFaults({ distribution: FAULTY, errorRate: null, errorStatus: null });
  await answer('status after Gotipath faults', await admin('/status'));
}

async function operatorViews() {
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  for (const path of ['/config', '/status', '/config/versions', '/config/versions/1', '/config/diff?from=1&to=1'])
    await answer(`GET /admin${path}`, await admin(path));
  await answer('dead letters', await admin(`/distributions/main/dead-letters`));
  await answer('purge', await admin('/purge', { method: 'POST', body: JSON.stringify({ distribution: 'main', paths: ['/s'] }) }));
  const c = PROVIDER_CASES[1]!;
  const d = await delivery(c);
  await answer(
    'preview',
    await admin('/preview', { method: 'POST', body: JSON.stringify({ source: c.sourceId, headers: d.headers, body: d.body }) }),
  );
  // A wrong token that is another secret: the refusal must not echo it.
  for (const token of [TEST_BINDINGS.GOTIPATH_API_KEY, TEST_BINDINGS.SANITY_SECRET, `${TEST_BINDINGS.ADMIN_TOKEN}x`]) {
    const response = await workerFetch(new Request(`${ORIGIN}/admin/status`, { headers: bearer(token) }));
    expect(await answer('wrong admin token', response)).toBe(401);
  }
  const browser = await login();
  for (const page of ['/admin/ui', '/admin/ui/deliveries', '/admin/ui/config', '/admin/ui/dead-letters', '/admin/ui/purge'])
    await answer(`console ${page}`, await browser.get(page));
  for (const source of Object.keys(CONFIG.sources))
    await answer(`deliveries of ${source}`, await browser.get(`/admin/ui/deliveries?source=${encodeURIComponent(source)}`));
}

/** Every table row and key-value entry of a Durable Object, as text. */
async function durableState(stub: DurableObjectStub): Promise<string> {
  return runInDurableObject(stub, async (_, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table'`)
      .toArray()
      .map((t) => t.name)
      .filter((name) => !name.startsWith('_cf') && !name.startsWith('sqlite'));
    const rows = tables.map((name) => [name, sql.exec(`SELECT * FROM "${name}"`).toArray()]);
    return JSON.stringify({ rows, kv: [...(await state.storage.list())] });
  });
}

const logs: string[] = [];

beforeAll(async () => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const)
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(' ')));
  await putConfig(CONFIG);
  await putConfig(CONFIG);
  await webhooks();
  await gotipathFailures();
  await operatorViews();
  for (const line of logs) keep('log', line);
  keep('kv', JSON.stringify(await kvSnapshot()));
  keep('scheduler state', await durableState(schedulerFor(env, DIST)));
  for (const source of Object.keys(CONFIG.sources)) keep(`${source} state`, await durableState(sourceStateFor(env, source)));
}, 120_000);

afterAll(() => {
  vi.restoreAllMocks();
});

/** A secret as it might be written: as is, and base64-encoded (HTTP Basic, `whsec_` keys decoded). */
function forms(secret: string): string[] {
  const out = [secret, btoa(String.fromCharCode(...new TextEncoder().encode(secret)))];
  const decoded = secret.startsWith('whsec_') ? fromBase64(secret.slice(6)) : undefined;
  if (decoded && decoded.length >= 16) out.push(new TextDecoder().decode(decoded));
  return out;
}

describe('after accepted and refused webhooks, admin and console calls, Gotipath and key-server failures', () => {
  it('gathered something to look through in each place', () => {
    const places = new Set(seen.map((s) => s.where.split(' ')[0]));
    for (const place of ['log', 'kv', 'scheduler', 'contentful', 'console', 'GET']) expect(places).toContain(place);
    const gotipath = logs.filter((l) => l.includes('"gotipath call"'));
    expect(gotipath.some((l) => l.includes('"status":401'))).toBe(true);
    expect(gotipath.some((l) => l.includes('"status":500'))).toBe(true);
    expect(logs.some((l) => l.includes('could not fetch the signing keys'))).toBe(true);
    expect(sent.size).toBeGreaterThanOrEqual(PROVIDER_CASES.length);
  });

  it.each(secretValues())('no log line, response, KV value or Durable Object holds %s', (_, secret) => {
    for (const form of forms(secret)) {
      const found = seen.filter((s) => s.text.includes(form)).map((s) => s.where);
      expect(found, `secret found in: ${found.join(', ')}`).toEqual([]);
    }
  });

  it('no log line, response, KV value or Durable Object holds a signature that was sent', () => {
    for (const signature of sent) {
      const found = seen.filter((s) => s.text.includes(signature)).map((s) => s.where);
      expect(found, `signature ${signature.slice(0, 12)}… found in: ${found.join(', ')}`).toEqual([]);
    }
  });
});

describe('a Gotipath answer that echoes the API key', () => {
  it('is logged and kept with the key cut out', async () => {
    const apiKey = TEST_BINDINGS.GOTIPATH_API_KEY;
    const echoes = [
      () => new Response(JSON.stringify({ error: `invalid X-Auth-ApiKey ${apiKey}` }), { status: 401 }),
      () => new Response(`<h1>502</h1><pre>X-Auth-ApiKey: ${apiKey}</pre>`, { status: 502 }),
      () => Promise.reject(new Error(`connect failed for key=${apiKey}`)),
    ];
    for (const echo of echoes) {
      const lines: string[] = [];
      const warn = vi.spyOn(console, 'warn').mockImplementation((line: unknown) => void lines.push(String(line)));
      const client = createGotipathClient({
        baseUrl: 'http://127.0.0.1:9',
        clientId: 'c',
        libraryId: 'l',
        apiKey,
        api: DEFAULT_GOTIPATH_API,
        fetch: async () => echo(),
      });
      const outcome = await client.purge('dist-1', 'url', ['/a']);
      warn.mockRestore();
      expect(outcome.ok).toBe(false);
      expect(JSON.stringify(outcome)).not.toContain(apiKey);
      expect(JSON.stringify(outcome)).toContain('[redacted]');
      expect(lines.length).toBe(1);
      expect(lines[0]).not.toContain(apiKey);
    }
  });
});
