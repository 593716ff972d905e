// Payload CMS: a token header by default, or a hook signing with the standardwebhooks package.
import { beforeAll, describe, expect, it } from 'vitest';
import post from '../../fixtures/payload/post-update.json?raw';
import { postWebhook, putConfig, secret, sign } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';
import { previewEvent } from './helpers';

beforeAll(async () => {
  await putConfig(
    casesConfig({
      sources: {
        'payload-signed': { provider: 'payload', secrets: ['STANDARD_SECRET'], options: { auth: 'standard-webhooks' } },
      },
    }),
  );
});

const signed = (body: string, key = secret('STANDARD_SECRET')) =>
  sign('standard-webhooks', { secret: key, body, id: `msg_${crypto.randomUUID()}`, timestamp: Math.floor(Date.now() / 1000) });

describe('payload', () => {
  it('accepts a hook signed with the standardwebhooks package when so configured', async () => {
    expect((await postWebhook('payload-signed', post, await signed(post))).status).toBe(202);
  });

  it('rejects a token where a signature is configured', async () => {
    expect((await postWebhook('payload-signed', post, { authorization: `Bearer ${secret('STANDARD_SECRET')}` })).status).toBe(
      401,
    );
  });

  it('rejects a signed hook whose body changed', async () => {
    expect((await postWebhook('payload-signed', post.replace('Ümlauts', 'Umlauts'), await signed(post))).status).toBe(401);
  });

  it('reads drafts: published → draft is an unpublish, delete keeps previousDoc', async () => {
    const unpublish = JSON.stringify({
      collection: 'posts',
      operation: 'update',
      doc: { id: 1, slug: 'a', _status: 'draft' },
      previousDoc: { id: 1, slug: 'a', _status: 'published' },
    });
    expect((await previewEvent('payload', unpublish)).action).toBe('unpublish');
    const removed = JSON.stringify({ collection: 'posts', operation: 'delete', doc: null, previousDoc: { id: 2, slug: 'gone' } });
    expect(await previewEvent('payload', removed)).toMatchObject({ action: 'delete', documentId: '2', fields: { slug: 'gone' } });
  });
});
