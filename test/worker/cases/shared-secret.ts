// Contract cases for platforms that sign nothing and send a shared secret, compared in constant time.
import { secret } from '../helpers';
import type { ProviderCase } from '../provider-cases';

const secrets = (name: string) => ({ secrets: [name, `${name}_OLD`] });
const bearer = (header = 'authorization') => async (_body: string, key: string) => ({ [header]: `Bearer ${key}` });

export const SHARED_SECRET_CASES: ProviderCase[] = [
  {
    provider: 'strapi',
    sourceId: 'strapi',
    source: secrets('STRAPI_TOKEN'),
    purge: ['/articles/{fields.slug}'],
    secret: secret('STRAPI_TOKEN'),
    oldSecret: secret('STRAPI_TOKEN_OLD'),
    body: () =>
      JSON.stringify({
        event: 'entry.publish',
        createdAt: '2026-11-23T10:00:00.000Z',
        model: 'article',
        uid: 'api::article.article',
        entry: { id: 7, documentId: 'a1b2c3d4e5f6g7h8i9j0k1l2', slug: 'strapi-news', locale: 'en' },
      }),
    headers: { 'x-strapi-event': 'entry.publish' },
    signatureHeader: 'authorization',
    signsBody: false,
    sign: bearer(),
    expected: { action: 'publish', contentType: 'article', documentId: 'a1b2c3d4e5f6g7h8i9j0k1l2', locales: ['en'], path: '/articles/strapi-news' },
  },
];
