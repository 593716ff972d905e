// DatoCMS: HTTP Basic credentials, localized fields, and previous_entity for the old slug.
import { beforeAll, describe, expect, it } from 'vitest';
import item from '../../fixtures/datocms/item-update.json?raw';
import { admin, postWebhook, putConfig, secret } from '../support/helpers';
import { basic } from '../support/cases/shared-secret';
import { casesConfig } from '../support/provider-cases';
import { errorOf, previewEvent } from './helpers';

beforeAll(async () => {
  await putConfig(
    casesConfig({
      rules: [{ id: 'dato-old', distribution: 'main', match: { sources: ['datocms'] }, purge: ['/blog/{previous.slug.en}'] }],
    }),
  );
});

describe('datocms', () => {
  it('splits localized fields per locale and keeps the previous values', async () => {
    const event = await previewEvent('datocms', item);
    expect(event.localized).toMatchObject({
      en: { slug: 'summer-in-rome' },
      it: { slug: 'estate-a-roma', published_on: '2026-11-23' },
    });
    expect(event.previous).toMatchObject({ slug: { en: 'rome-summer', it: 'roma-estate' } });
  });

  it("purges each locale's slug and each locale's old one", async () => {
    const preview = await admin('/preview', {
      method: 'POST',
      body: JSON.stringify({ source: 'datocms', headers: {}, body: item }),
    });
    const { work } = await preview.json<{ work: { items: { path: string }[] }[] }>();
    expect(work.flatMap((w) => w.items.map((i) => i.path)).sort()).toEqual([
      '/blog/estate-a-roma',
      '/blog/roma-estate',
      '/blog/rome-summer',
      '/blog/summer-in-rome',
    ]);
    const response = await postWebhook('datocms', item, { authorization: basic(secret('DATO_CREDENTIALS')) });
    expect(await response.json()).toMatchObject({ paths: 4 });
  });

  it('refuses the credentials sent as a Bearer token', async () => {
    const response = await postWebhook('datocms', item, { authorization: `Bearer ${secret('DATO_CREDENTIALS')}` });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('authorization header must use the Basic scheme');
  });

  it('refuses a wrong password for the right user', async () => {
    const response = await postWebhook('datocms', item, { authorization: basic('relay:pässwört-x') });
    expect(response.status).toBe(401);
  });
});
