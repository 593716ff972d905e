// Content providers' own cases: Hygraph locales, Builder.io previous values, Directus and WordPress events.
import { beforeAll, describe, expect, it } from 'vitest';
import builderPage from '../../fixtures/builder-io/page-publish.json?raw';
import directusUpdate from '../../fixtures/directus/items-update.json?raw';
import hygraphPost from '../../fixtures/hygraph/post-published.json?raw';
import wordpressPost from '../../fixtures/wordpress/post-update.json?raw';
import { postWebhook, putConfig, secret } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';
import { errorOf, previewEvent } from './helpers';

beforeAll(async () => {
  await putConfig(casesConfig());
});

describe('hygraph', () => {
  it('lists each localization as a locale with its own fields', async () => {
    const event = await previewEvent('hygraph', hygraphPost);
    expect(event.locales).toEqual(['de', 'zh']);
    expect(event.localized).toMatchObject({ de: { slug: 'hallo-welt' }, zh: { slug: 'ni-hao', title: '你好' } });
  });

  it('maps unpublish and delete operations', async () => {
    expect((await previewEvent('hygraph', hygraphPost.replace('"operation":"publish"', '"operation":"unpublish"'))).action).toBe(
      'unpublish',
    );
    expect((await previewEvent('hygraph', hygraphPost.replace('"operation":"publish"', '"operation":"delete"'))).action).toBe(
      'delete',
    );
  });
});

describe('builder-io', () => {
  it('keeps previousValue.data as previous (the old URL)', async () => {
    expect(await previewEvent('builder', builderPage)).toMatchObject({
      fields: { url: '/ueber-uns' },
      previous: { url: '/about-us', title: 'About us' },
    });
  });

  it('refuses the token in the wrong header', async () => {
    const response = await postWebhook('builder', builderPage, { authorization: `Bearer ${secret('BUILDER_TOKEN')}` });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('missing x-builder-secret header');
  });
});

describe('directus', () => {
  it('reads a delete of several keys (the first is the document) and status moves', async () => {
    const deleted = JSON.stringify({ event: 'articles.items.delete', keys: ['42', '43'], collection: 'articles' });
    expect(await previewEvent('directus', deleted, {})).toMatchObject({
      action: 'delete',
      documentId: '42',
      contentType: 'articles',
    });
    const archived = directusUpdate.replace('"status":"published"', '"status":"archived"');
    expect((await previewEvent('directus', archived, {})).action).toBe('archive');
  });
});

describe('wordpress', () => {
  it('maps the WP Webhooks trigger, and a non-public status to unpublish', async () => {
    expect((await previewEvent('wordpress', wordpressPost, { 'x-wp-webhook-name': 'post_trash' })).action).toBe('delete');
    // WP Webhooks' trigger is post_create (not create_post); created published, it is a publish.
    expect((await previewEvent('wordpress', wordpressPost, { 'x-wp-webhook-name': 'post_create' })).action).toBe('publish');
    const draft = wordpressPost.replace('"post_status":"publish"', '"post_status":"draft"');
    expect((await previewEvent('wordpress', draft, { 'x-wp-webhook-name': 'post_update' })).action).toBe('unpublish');
  });
});
