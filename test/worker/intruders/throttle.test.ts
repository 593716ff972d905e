// Guessing tokens (issue 14, I2): wrong admin tokens (API and console login) and tag report tokens are counted per
// client address in a sliding window; past AUTH_FAILURE_LIMIT the address gets 429 with Retry-After, before its
// token is even compared. A right token and every webhook cost no throttle call.
import { createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../../src/index';
import { AUTH_FAILURE_LIMIT, AUTH_FAILURE_WINDOW_MS, blockedUntil } from '../../../src/lib/auth-throttle';
import { ORIGIN, baseConfig, putConfig, secret } from '../support/helpers';
import { form } from '../support/console';

/** The Worker with its throttle namespace counted: how many times a request reached for it. */
function countingEnv() {
  const counted = { calls: 0 };
  const namespace = env.AUTH_THROTTLE;
  const AUTH_THROTTLE = {
    idFromName: (name: string) => namespace.idFromName(name),
    get: (id: DurableObjectId) => (counted.calls++, namespace.get(id)),
  };
  return { counted, env: { ...env, AUTH_THROTTLE } as unknown as Env };
}

async function send(request: Request, workerEnv: Env = env): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch!(request as never, workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}
const adminCall = (ip: string, token?: string, workerEnv?: Env) =>
  send(
    new Request(`${ORIGIN}/admin/config`, {
      headers: { 'cf-connecting-ip': ip, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    }),
    workerEnv,
  );

beforeAll(async () => {
  await putConfig(baseConfig({ distributions: { main: { id: 'dist-throttle', tags: { reportSecret: 'TAGS_TOKEN' } } } }));
});

describe('blockedUntil (the sliding window)', () => {
  it('blocks at the limit-th failure in the window, until enough of them age out', () => {
    const at = (n: number) => Array.from({ length: n }, (_, i) => i * 1000);
    expect(blockedUntil(at(AUTH_FAILURE_LIMIT - 1), 20_000)).toBeUndefined();
    expect(blockedUntil(at(AUTH_FAILURE_LIMIT), 20_000)).toBe(AUTH_FAILURE_WINDOW_MS);
    expect(blockedUntil(at(AUTH_FAILURE_LIMIT + 2), 20_000)).toBe(2_000 + AUTH_FAILURE_WINDOW_MS);
    // Past the window the old failures no longer count.
    expect(blockedUntil(at(AUTH_FAILURE_LIMIT), AUTH_FAILURE_WINDOW_MS + 1)).toBeUndefined();
  });
});

describe('wrong admin tokens from one address', () => {
  it(`get 401 up to the ${AUTH_FAILURE_LIMIT}th, then 429 with Retry-After, even for the right token; other addresses go on`, async () => {
    for (let i = 1; i < AUTH_FAILURE_LIMIT; i++) expect((await adminCall('203.0.113.7', `guess-${i}`)).status).toBe(401);
    const blocked = await adminCall('203.0.113.7', 'guess-last');
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(AUTH_FAILURE_WINDOW_MS / 1000 - 60);
    expect(retryAfter).toBeLessThanOrEqual(AUTH_FAILURE_WINDOW_MS / 1000);
    expect(await blocked.json()).toEqual({ error: `too many wrong tokens from this address; try again in ${retryAfter} s` });
    // Refused before the token is compared: the right one does not get through either.
    expect((await adminCall('203.0.113.7', secret('ADMIN_TOKEN'))).status).toBe(429);
    expect((await adminCall('198.51.100.2', secret('ADMIN_TOKEN'))).status).toBe(200);
  });

  it('do not count a request without a token (not a guess)', async () => {
    for (let i = 0; i < AUTH_FAILURE_LIMIT + 2; i++) expect((await adminCall('203.0.113.8')).status).toBe(401);
    expect((await adminCall('203.0.113.8', secret('ADMIN_TOKEN'))).status).toBe(200);
  });

  it('cost one throttle call each; a right token and webhooks cost none', async () => {
    const { counted, env: counting } = countingEnv();
    for (let i = 0; i < 5; i++) expect((await adminCall('203.0.113.9', secret('ADMIN_TOKEN'), counting)).status).toBe(200);
    const webhook = new Request(`${ORIGIN}/webhooks/strapi`, {
      method: 'POST',
      headers: { 'cf-connecting-ip': '203.0.113.9', authorization: 'Bearer wrong' },
      body: '{}',
    });
    expect((await send(webhook, counting)).status).toBe(401);
    expect(counted.calls).toBe(0);
    expect((await adminCall('203.0.113.9', 'wrong', counting)).status).toBe(401);
    expect(counted.calls).toBe(1);
  });
});

describe('the console login form', () => {
  const login = (ip: string, token: string) =>
    send(
      new Request(`${ORIGIN}/admin/ui/login`, {
        method: 'POST',
        body: form({ token, next: '/admin/ui' }),
        headers: { origin: ORIGIN, 'cf-connecting-ip': ip },
        redirect: 'manual',
      }),
    );

  it('shares the admin throttle: 429 with Retry-After once past the limit, the right token included', async () => {
    for (let i = 1; i < AUTH_FAILURE_LIMIT; i++) expect((await login('192.0.2.10', `guess-${i}`)).status).toBe(401);
    const blocked = await login('192.0.2.10', 'guess-last');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await blocked.text()).toContain('Too many wrong tokens from your address');
    expect((await login('192.0.2.10', secret('ADMIN_TOKEN'))).status).toBe(429);
    expect((await login('192.0.2.11', secret('ADMIN_TOKEN'))).status).toBe(303);
  });
});

describe('wrong tag report tokens', () => {
  it('are throttled the same way, apart from the admin token', async () => {
    const report = (token: string) =>
      send(
        new Request(`${ORIGIN}/tags/main`, {
          method: 'POST',
          headers: { 'cf-connecting-ip': '192.0.2.20', authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ path: '/a', tags: ['t'] }),
        }),
      );
    for (let i = 1; i < AUTH_FAILURE_LIMIT; i++) expect((await report(`guess-${i}`)).status).toBe(401);
    expect((await report('guess-last')).status).toBe(429);
    expect((await report(secret('TAGS_TOKEN'))).status).toBe(429);
    // Another realm: the same address may still use the admin API.
    expect((await adminCall('192.0.2.20', secret('ADMIN_TOKEN'))).status).toBe(200);
  });
});

describe('the AuthThrottle object', () => {
  it('forgets a client once its window has passed (its alarm deletes everything)', async () => {
    const stub = env.AUTH_THROTTLE.get(env.AUTH_THROTTLE.idFromName('admin:192.0.2.99'));
    for (let i = 1; i < AUTH_FAILURE_LIMIT; i++) expect(await stub.fail()).toBeUndefined();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    // Without the alarm this one would be the limit-th in the window.
    expect(await stub.fail()).toBeUndefined();
    await runInDurableObject(stub, async (_instance, state) => {
      expect(state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM failures`).one().n).toBe(1);
    });
  });
});
