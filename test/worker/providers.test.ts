// The shared provider contract: every provider accepts its platform's own signature and nothing else.
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, baseConfig, postWebhook, putConfig } from './helpers';
import { PROVIDER_CASES } from './provider-cases';

beforeAll(async () => {
  await putConfig(baseConfig());
});

describe.each(PROVIDER_CASES)('$provider', (c) => {
  /** The platform's headers plus a delivery id of its own, as each real delivery has. */
  const fresh = (headers: Record<string, string>) =>
    c.deliveryHeader ? { [c.deliveryHeader]: crypto.randomUUID(), ...headers } : headers;

  it('accepts a request signed by the platform SDK and reports the paths it queued', async () => {
    const response = await postWebhook(c.sourceId, c.body, fresh({ ...c.headers, ...(await c.sign(c.body, c.secret)) }));
    expect(response.status).toBe(202);
    const body = await response.json<{ eventId: string; paths: number }>();
    expect(body.eventId).toMatch(/^evt_/);
    expect(body.paths).toBeGreaterThan(0);
  });

  it('rejects a body changed after signing', async () => {
    const headers = await c.sign(c.body, c.secret);
    const tampered = c.body.replace(/.$/, ' }');
    const response = await postWebhook(c.sourceId, c.provider === 'strapi' ? c.body : tampered, fresh({ ...c.headers, ...headers }));
    // Strapi signs nothing, so a changed body is not detectable; its token check is covered below.
    expect(response.status).toBe(c.provider === 'strapi' ? 202 : 401);
  });

  it('rejects a signature made with the wrong secret', async () => {
    const response = await postWebhook(c.sourceId, c.body, fresh({ ...c.headers, ...(await c.sign(c.body, c.wrongSecret ?? `${c.secret}-wrong`)) }));
    expect(response.status).toBe(401);
    expect(await response.json()).toHaveProperty('error');
  });

  it('rejects a request without its signature header', async () => {
    const headers: Record<string, string> = fresh({ ...c.headers, ...(await c.sign(c.body, c.secret)) });
    delete headers[c.signatureHeader];
    const response = await postWebhook(c.sourceId, c.body, headers);
    expect(response.status).toBe(401);
    expect((await response.json<{ error: string }>()).error).toContain(c.signatureHeader);
  });

  it('accepts the second secret while rotating', async () => {
    const response = await postWebhook(c.sourceId, c.body, fresh({ ...c.headers, ...(await c.sign(c.body, c.oldSecret)) }));
    expect(response.status).toBe(202);
  });

  // Only platforms that sign a timestamp have a replay window to test.
  if (c.toleranceMs !== undefined) it('rejects a stale timestamp and a future one', async () => {
    const stale = await postWebhook(c.sourceId, c.body, fresh({ ...c.headers, ...(await c.sign(c.body, c.secret, c.toleranceMs! + 5_000)) }));
    expect(stale.status).toBe(401);
    expect((await stale.json<{ error: string }>()).error).toMatch(/too old/);
    const future = await postWebhook(c.sourceId, c.body, fresh({ ...c.headers, ...(await c.sign(c.body, c.secret, -(c.toleranceMs! + 5_000))) }));
    expect(future.status).toBe(401);
    expect((await future.json<{ error: string }>()).error).toMatch(/future/);
  });

  // Platforms that send a delivery id (Strapi sends none).
  if (c.deliveryHeader) it('answers a redelivery 200 with the first receipt and queues nothing again', async () => {
    const headers = fresh({ ...c.headers, ...(await c.sign(c.body, c.secret)) });
    const first = await postWebhook(c.sourceId, c.body, headers);
    expect(first.status).toBe(202);
    const again = await postWebhook(c.sourceId, c.body, headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...(await first.json<object>()), duplicate: true });
  });

  it('normalizes the payload into a ContentEvent and the rule paths', async () => {
    const response = await admin('/preview', { method: 'POST', body: JSON.stringify({ source: c.sourceId, headers: fresh(c.headers), body: c.body }) });
    expect(response.status).toBe(200);
    const preview = await response.json<{ event: Record<string, unknown>; work: { items: { path: string }[] }[] }>();
    const { path: _path, ...event } = c.expected;
    expect(preview.event).toMatchObject({ source: c.sourceId, provider: c.provider, ...event });
    expect(preview.work.flatMap((w) => w.items.map((i) => i.path))).toContain(c.expected.path);
  });
});
