// Ghost: no event name in the payload, so the action comes from `current` and `previous`.
import { beforeAll, describe, expect, it } from 'vitest';
import deleted from '../../fixtures/ghost/post-deleted.json?raw';
import slugChanged from '../../fixtures/ghost/post-slug-changed.json?raw';
import { putConfig } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';
import { postSigned, previewEvent } from './helpers';

beforeAll(async () => {
  await putConfig(
    casesConfig({
      rules: [{ id: 'ghost-old-slug', distribution: 'main', match: { sources: ['ghost'] }, purge: ['/{previous.slug}/'] }],
    }),
  );
});

describe('ghost', () => {
  it('reads a slug change: update, the new slug in fields, the old one in previous', async () => {
    const event = await previewEvent('ghost', slugChanged);
    expect(event).toMatchObject({
      action: 'update',
      topic: 'post.update',
      fields: { slug: 'zurich-cafes' },
      previous: { slug: 'cafe-culture-zurich' },
    });
    const response = await postSigned('ghost', slugChanged);
    expect(response.status).toBe(202);
    // Both the new path and the old one are purged.
    expect(await response.json()).toMatchObject({ paths: 2 });
  });

  it('reads a deletion from `previous` (current is empty)', async () => {
    const event = await previewEvent('ghost', deleted);
    expect(event).toMatchObject({ action: 'delete', documentId: '6741b3c2f1a2b30001a4e5d1', fields: { slug: 'zurich-cafes' } });
  });

  it('reads an unpublish: status moved away from published', async () => {
    const body = JSON.stringify({
      post: { current: { id: 'p1', slug: 's', status: 'draft' }, previous: { status: 'published' } },
    });
    expect((await previewEvent('ghost', body)).action).toBe('unpublish');
  });

  it('reads tags and pages as their own content types', async () => {
    const body = JSON.stringify({ page: { current: { id: 'pg1', slug: 'about', status: 'published' }, previous: {} } });
    expect(await previewEvent('ghost', body)).toMatchObject({ contentType: 'page', action: 'publish' });
  });
});
