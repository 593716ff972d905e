// A signed webhook to a verified page: the marker is rendered from the event when its paths are queued, and the
// check that follows the purge finds it at the origin and on the edge.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseConfig, postWebhook, putConfig, secret, sign } from '../support/helpers';
import { scheduler, testDistribution } from '../support/scheduler-harness';

const distribution = testDistribution('fresh-webhook', {
  publicBaseUrl: env.EDGE_URL,
  verify: { originBaseUrl: env.ORIGIN_URL, marker: '{fields.updatedAt}', delaysMs: [100, 150, 200], originRatePerSecond: 50 },
});
const h = scheduler('main', distribution);

beforeAll(async () => {
  expect((await putConfig(baseConfig({ distributions: { main: distribution } }))).status).toBe(200);
});

async function setPage(path: string, title: string, updatedAt: string) {
  await fetch(`${env.ORIGIN_URL}/__origin/pages?path=${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, updatedAt }),
  });
}

async function publish(slug: string, updatedAt: string): Promise<string> {
  const body = JSON.stringify({ type: 'post.updated', timestamp: new Date().toISOString(), data: { slug, updatedAt } });
  const headers = await sign('standard-webhooks', {
    secret: secret('STANDARD_SECRET'),
    body,
    id: `msg_${crypto.randomUUID()}`,
    timestamp: Math.floor(Date.now() / 1000),
  });
  const response = await postWebhook('standard', body, headers);
  expect(response.status).toBe(202);
  return (await response.json<{ eventId: string }>()).eventId;
}

describe('a webhook whose page is verified by its marker', () => {
  it('ends fresh once the edge serves the updatedAt the event carried', async () => {
    await setPage('/p/hello', 'Hello', '2026-12-01T08:00:00.000Z');
    await fetch(`${env.EDGE_URL}/p/hello`).then((r) => r.text());
    await setPage('/p/hello', 'Hello again', '2026-12-08T09:30:00.000Z');

    const eventId = await publish('hello', '2026-12-08T09:30:00.000Z');
    let last: { step: string; detail?: string; evidence?: unknown } | undefined;
    await h.driveUntil(async () => {
      last = (await h.stub.journey(eventId))[0]?.steps.at(-1);
      return last?.step === 'checked' && last.detail === 'fresh';
    });
    expect(last!.evidence).toMatchObject({ reason: 'marker-on-edge', validator: 'marker', edge: { marker: true } });
  });

  it('finds the edge stale while it serves a page without the new marker', async () => {
    await setPage('/p/kept', 'Kept', '2026-12-01T08:00:00.000Z');
    await fetch(`${env.EDGE_URL}/p/kept`).then((r) => r.text());
    await setPage('/p/kept', 'Kept', '2026-12-08T10:00:00.000Z');
    await h.faults({ keepPaths: ['/p/kept'] });
    const eventId = await publish('kept', '2026-12-08T10:00:00.000Z');
    let first: { step: string; detail?: string; evidence?: unknown } | undefined;
    await h.driveUntil(async () => {
      first = (await h.stub.journey(eventId))[0]?.steps.find((s) => s.step === 'checked');
      return first !== undefined;
    });
    await h.faults({ keepPaths: null });
    expect(first).toMatchObject({ detail: 'stale', evidence: { reason: 'marker-missing-on-edge', edge: { marker: false } } });
  });
});
