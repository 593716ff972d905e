// Storyblok: its `webhook-signature` header shares Standard Webhooks' name; the source's provider decides.
import { beforeAll, describe, expect, it } from 'vitest';
import unpublished from '../../fixtures/storyblok/story-unpublished.json?raw';
import { postWebhook, putConfig, secret, sign } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';
import { errorOf, previewEvent } from './helpers';

beforeAll(async () => {
  await putConfig(casesConfig());
});

describe('storyblok', () => {
  it('reads an unpublished story with its full slug', async () => {
    expect(await previewEvent('storyblok', unpublished)).toMatchObject({
      action: 'unpublish',
      contentType: 'story',
      documentId: '369702',
      fields: { full_slug: 'en/campaigns/summer-sale' },
    });
  });

  it('refuses a Standard Webhooks signature sent to a Storyblok source', async () => {
    const headers = await sign('standard-webhooks', {
      secret: secret('STANDARD_SECRET'),
      body: unpublished,
      id: 'msg_1',
      timestamp: Math.floor(Date.now() / 1000),
    });
    const response = await postWebhook('storyblok', unpublished, headers);
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('malformed webhook-signature');
  });

  it('refuses a Storyblok signature sent to a Standard Webhooks source', async () => {
    const headers = await sign('storyblok', { secret: secret('STANDARD_SECRET'), body: unpublished });
    expect((await postWebhook('standard', unpublished, headers)).status).toBe(401);
  });
});
