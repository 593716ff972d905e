// What an unauthenticated caller is told (issue 14, I1): never the name of a Worker secret or setting, nor a
// config detail it did not send. The operator reads the detail: in the log, the Deliveries page, and the
// answers to calls made with the admin token.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import worker from '../../../src/index';
import { MISCONFIGURED } from '../../../src/errors';
import { CONFIG_POINTER_KEY } from '../../../src/rules/store';
import { ADMIN, ORIGIN, admin, baseConfig, postWebhook, putConfig, secret } from '../support/helpers';

const CONFIG = baseConfig({
  distributions: { main: { id: 'dist-answers', coalesceMs: 0, tags: { reportSecret: 'REPORT_TOKEN_NOT_SET' } } },
  sources: {
    ...baseConfig().sources,
    orphan: { provider: 'strapi', secrets: ['ORPHAN_SECRET_NOT_SET'] },
  },
});

/** Console lines written while `run` runs. */
async function logsOf(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  for (const level of ['log', 'info', 'warn', 'error'] as const)
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  await run();
  return lines;
}

beforeAll(async () => {
  await putConfig(CONFIG);
});
afterEach(() => vi.restoreAllMocks());

describe('a webhook for a source whose secret is not set', () => {
  it('is a 500 that names no secret; the log and the Deliveries entry name it for the operator', async () => {
    let text = '';
    const logs = await logsOf(async () => {
      const response = await postWebhook('orphan', '{}', { authorization: 'Bearer anything' });
      expect(response.status).toBe(500);
      text = await response.text();
    });
    expect(JSON.parse(text)).toEqual({ error: MISCONFIGURED });
    expect(text).not.toContain('ORPHAN_SECRET_NOT_SET');
    expect(logs.some((l) => l.includes('names secret ORPHAN_SECRET_NOT_SET, which is not set'))).toBe(true);
    // A failure before verification is counted with the refusals (issue 14, F10), detail included.
    const { refusals } = await (await admin('/deliveries?source=orphan')).json<{ refusals: { message: string }[] }>();
    expect(refusals[0]!.message).toBe(`${MISCONFIGURED}: source "orphan" names secret ORPHAN_SECRET_NOT_SET, which is not set`);
  });
});

describe('a tag report to a distribution whose report secret is not set', () => {
  it('is a 500 that names no secret', async () => {
    const response = await worker.fetch!(
      new Request(`${ORIGIN}/tags/main`, { method: 'POST', headers: { authorization: 'Bearer x' }, body: '{}' }) as never,
      env,
      createExecutionContext(),
    );
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: MISCONFIGURED });
    expect(text).not.toContain('REPORT_TOKEN_NOT_SET');
  });
});

describe('a Worker whose settings are invalid', () => {
  it('tells every caller only that it is misconfigured, not which setting', async () => {
    const broken = { ...env, ADMIN_TOKEN: 'short', GOTIPATH_API_KEY: '' } as Env;
    for (const [path, init] of [
      ['/admin/config', { headers: ADMIN }],
      ['/admin/config', {}],
      ['/webhooks/strapi', { method: 'POST', headers: { authorization: `Bearer ${secret('STRAPI_TOKEN')}` }, body: '{}' }],
    ] as const) {
      const ctx = createExecutionContext();
      const response = await worker.fetch!(new Request(`${ORIGIN}${path}`, init) as never, broken, ctx);
      await waitOnExecutionContext(ctx);
      expect(response.status, path).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text), path).toEqual({ error: MISCONFIGURED });
      for (const name of ['ADMIN_TOKEN', 'GOTIPATH_API_KEY']) expect(text).not.toContain(name);
    }
  });
});

describe('a stored config the relay cannot read', () => {
  it('names the problem to the operator (admin token) only', async () => {
    await env.CONFIG.put(CONFIG_POINTER_KEY, JSON.stringify({ version: 999, savedAt: new Date().toISOString() }));
    // The isolate re-reads the pointer at most once a second.
    await new Promise((r) => setTimeout(r, 1_100));
    const body = JSON.stringify({ event: 'entry.publish', model: 'article', entry: { id: 1 } });
    const anonymous = await postWebhook('strapi', body, { authorization: `Bearer ${secret('STRAPI_TOKEN')}` });
    expect([anonymous.status, await anonymous.json()]).toEqual([500, { error: MISCONFIGURED }]);
    const operator = await admin('/status');
    expect([operator.status, await operator.json()]).toEqual([
      500,
      { error: `${MISCONFIGURED}: config version 999 is missing from KV` },
    ]);
  });
});
