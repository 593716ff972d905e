// Prismic: the secret is inside the body; it is compared in constant time and never kept in the event.
import { beforeAll, describe, expect, it } from 'vitest';
import apiUpdate from '../../fixtures/prismic/api-update.json?raw';
import { postWebhook, putConfig, secret } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';
import { errorOf, previewEvent } from './helpers';

beforeAll(async () => {
  await putConfig(casesConfig());
});

const withSecret = (body: string, value: string) => body.replace('"secret":null', `"secret":${JSON.stringify(value)}`);

describe('prismic', () => {
  it('keeps the secret out of the event', async () => {
    const event = await previewEvent('prismic', withSecret(apiUpdate, secret('PRISMIC_SECRET')));
    expect(event.fields).not.toHaveProperty('secret');
    expect(JSON.stringify(event)).not.toContain(secret('PRISMIC_SECRET'));
    expect(event.fields).toMatchObject({ documents: ['Z2V3kRIAACIAa8_j'], domain: 'your-repo-name' });
  });

  it('rejects a secret of another length or content', async () => {
    for (const value of ['prismic', `${secret('PRISMIC_SECRET')}x`, secret('PRISMIC_SECRET').toUpperCase()]) {
      const response = await postWebhook('prismic', withSecret(apiUpdate, value), {});
      expect(response.status).toBe(401);
      expect(await errorOf(response)).toBe('secret does not match');
    }
  });

  it('reads the console test trigger as an update', async () => {
    const test = withSecret(apiUpdate, secret('PRISMIC_SECRET')).replace('api-update', 'test-trigger');
    expect((await previewEvent('prismic', test)).action).toBe('update');
  });
});
