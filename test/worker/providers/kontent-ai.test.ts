// Kontent.ai: the webhook-helper-js published vectors, CRLF bodies, and legacy payloads.
import { beforeAll, describe, expect, it } from 'vitest';
import legacyUnpublish from '../../fixtures/kontent-ai/legacy-unpublish.json?raw';
import { postWebhook, putConfig } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';
import { errorOf, postSigned, previewEvent } from './helpers';

beforeAll(async () => {
  await putConfig(casesConfig());
});

// Quoted from kontent-ai/webhook-helper-js lib/test/signatures/signature.spec.ts. The source's secrets
// (test/setup/bindings.ts) are the two secrets of these vectors.
const VECTOR = {
  signature: 'CF9/hYLw2CDcVp2wW39OFUglh++fGdHFeOhiWxM3jZg=',
  payload: {
    notifications: [
      {
        data: {
          system: {
            id: 'aa7f127f-1920-4454-a89a-0609aba8ea6f',
            name: 'This changes everything!',
            codename: 'this_changes_everything_',
            collection: 'marketing',
            workflow: 'default',
            workflow_step: 'published',
            language: 'default',
            type: 'product_update',
            last_modified: '2024-03-25T07:55:57.0563735Z',
          },
        },
        message: {
          environment_id: '0f5b6cb2-ea82-014e-ac74-f71e7e8b6aee',
          object_type: 'content_item',
          action: 'published',
          delivery_slot: 'published',
        },
      },
    ],
  },
};
const LEGACY_VECTOR = {
  signature: '5+vhM4vWobuiwGyLSGqOL7KwXnaQXISzuKUxhI4xL3o=',
  payload: {
    data: {
      items: [
        {
          id: 'f0e9e9fa-91e8-40d5-9527-b7e0ae51fc54',
          codename: 'christian_bale',
          collection: 'default',
          language: 'en',
          type: 'actor',
        },
      ],
      taxonomies: [],
    },
    message: {
      id: '790b5fea-febe-4421-b8e7-d333afc60136',
      project_id: 'b259760f-81c5-013a-05e7-69efb4b954e5',
      type: 'content_item_variant',
      operation: 'publish',
      api_name: 'delivery_production',
      created_timestamp: '2020-03-13T08:05:07.4044893Z',
      webhook_url: 'https://enxkdw8lvglue.x.pipedream.net/',
    },
  },
};
// The helper's own recipe: pretty-printed with two spaces, line breaks replaced by CRLF.
const asSent = (payload: unknown) => JSON.stringify(payload, null, 2).replace(/[\r\n]+/gm, '\r\n');

describe('kontent-ai', () => {
  it('accepts the published vector, as sent with CRLF line breaks', async () => {
    const response = await postWebhook('kontent', asSent(VECTOR.payload), { 'x-kontent-ai-signature': VECTOR.signature });
    expect(response.status).toBe(202);
  });

  it('accepts the published legacy vector under the legacy X-KC-Signature header (second secret)', async () => {
    const response = await postWebhook('kontent', asSent(LEGACY_VECTOR.payload), { 'x-kc-signature': LEGACY_VECTOR.signature });
    expect(response.status).toBe(202);
  });

  it('accepts the published vector with LF line breaks, as helper v4 does (it normalises them to CRLF)', async () => {
    const response = await postWebhook('kontent', JSON.stringify(VECTOR.payload, null, 2), {
      'x-kontent-ai-signature': VECTOR.signature,
    });
    // Accepted; normalised, it is the same signed body as the CRLF vector, so a repeat of it is a duplicate (200).
    expect([200, 202]).toContain(response.status);
  });

  it('still refuses the vector once a character outside the line breaks changes', async () => {
    const body = JSON.stringify(VECTOR.payload, null, 2).replace('"published"', '"unpublished"');
    const response = await postWebhook('kontent', body, { 'x-kontent-ai-signature': VECTOR.signature });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('signature does not match');
  });

  it('reads a legacy payload: operation, first item, and the message id as delivery id', async () => {
    const event = await previewEvent('kontent', legacyUnpublish);
    expect(event).toMatchObject({
      action: 'unpublish',
      topic: 'content_item_variant.unpublish',
      contentType: 'actor',
      documentId: 'f0e9e9fa-91e8-40d5-9527-b7e0ae51fc54',
      locales: ['en'],
      fields: { codename: 'christian_bale' },
      deliveryId: '3c1d9e27-5b4a-4f8e-a0c6-7d2e1f9b8a45',
    });
    const first = await postSigned('kontent', legacyUnpublish.replace(/\n/g, '\r\n'));
    expect(first.status).toBe(202);
    // The same message id again: a redelivery, acknowledged without queuing.
    const again = await postSigned('kontent', legacyUnpublish.replace(/\n/g, '\r\n'));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
  });
});
