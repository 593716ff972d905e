// One delivery, many changes (issue 15): each document gets its own event, paths and path memory; the
// receipt counts them; a repeat of the whole batch is one duplicate; Directus deletes list their keys.
import { beforeAll, describe, expect, it } from 'vitest';
import kontentBatch from '../../fixtures/kontent-ai/batch.json?raw';
import directusDelete from '../../fixtures/directus/items-delete.json?raw';
import shopwareBatch from '../../fixtures/shopware/product-written-batch.json?raw';
import type { MemoryItem } from '../../../src/rules/matcher';
import { admin, postWebhook, putConfig, withoutEta } from '../support/helpers';
import { freshTime } from '../support/fresh';
import { caseFor, casesConfig, delivery } from '../support/provider-cases';

beforeAll(async () => {
  await putConfig(casesConfig());
});

async function post(source: string, body: string) {
  const signed = await delivery(caseFor(source), { body });
  return postWebhook(source, signed.body, signed.headers);
}

async function remembered(source: string, id: string, type: string): Promise<string[]> {
  const body = await (await admin(`/memory/${source}/${id}?type=${type}`)).json<{ paths: MemoryItem[] }>();
  return body.paths.map((p) => p.path);
}

/** A Kontent.ai delivery (CRLF, as it sends them) of content items, each `[id, codename, action]`. */
function kontent(items: [string, string, string][]): string {
  const [first] = JSON.parse(kontentBatch).notifications;
  const notifications = items.map(([id, codename, action]) => ({
    ...first,
    data: { system: { ...first.data.system, id, codename, last_modified: freshTime() } },
    message: { ...first.message, action },
  }));
  return JSON.stringify({ notifications }, null, 2).replace(/\n/g, '\r\n');
}

describe('a batched delivery', () => {
  it('remembers each document’s paths under its own key, and forgets only the one unpublished', async () => {
    const first = await post(
      'kontent',
      kontent([
        ['a-1', 'alpha', 'published'],
        ['b-2', 'beta', 'published'],
      ]),
    );
    expect(await first.json()).toMatchObject({ events: 2, paths: 2 });
    expect(await remembered('kontent', 'a-1', 'product_update')).toEqual(['/articles/alpha']);
    expect(await remembered('kontent', 'b-2', 'product_update')).toEqual(['/articles/beta']);
    // The next batch renames one and unpublishes the other: the old URL of each is purged with the new.
    const second = await post(
      'kontent',
      kontent([
        ['a-1', 'alpha-2', 'published'],
        ['b-2', 'beta', 'unpublished'],
      ]),
    );
    const receipt = await second.json<{ eventId: string; events: number; paths: number }>();
    expect(receipt).toMatchObject({ events: 2, paths: 3 });
    expect(await remembered('kontent', 'a-1', 'product_update')).toEqual(['/articles/alpha-2']);
    expect(await remembered('kontent', 'b-2', 'product_update')).toEqual([]);
    const journey = await (await admin(`/events/${receipt.eventId}`)).json<{ distributions: { paths: { path: string }[] }[] }>();
    const journeyed = journey.distributions.flatMap((d) => d.paths.map((p) => p.path)).sort();
    expect(journeyed).toEqual(['/articles/alpha', '/articles/alpha-2', '/articles/beta']);
  });

  it('answers a repeat of the whole batch as one duplicate with the first receipt', async () => {
    const body = kontent([
      ['c-3', 'gamma', 'published'],
      ['d-4', 'delta', 'published'],
    ]);
    const first = await post('kontent', body);
    expect(first.status).toBe(202);
    const again = await post('kontent', body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...withoutEta(await first.json()), duplicate: true });
  });

  it('reads every row of the Shopware docs’ written payload, each with its own operation', async () => {
    const response = await admin('/preview', {
      method: 'POST',
      body: JSON.stringify({ source: 'shopware', body: shopwareBatch }),
    });
    const preview = await response.json<{ events: { event: { action: string; documentId: string } }[] }>();
    expect(preview.events.map((e) => [e.event.action, e.event.documentId])).toEqual([
      ['delete', '7b04ebe416db4ebc93de4d791325e1d9'],
      ['update', '2a88d9b59d474c7e869d8071649be43c'],
      ['create', 'f5a1b7c2e3d44f0b9a8c7d6e5f4a3b2c'],
    ]);
  });

  it('accepts a Directus delete, whose payload is the array of keys (a 400 before)', async () => {
    const response = await post('directus', directusDelete);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ events: 2, paths: 2 });
  });
});
