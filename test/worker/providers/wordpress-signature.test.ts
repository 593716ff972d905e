// WordPress (WP Webhooks): the 3.x body signature verified as the HMAC it is, the 5.x form through a token,
// and options that cannot mix the two.
import { beforeAll, describe, expect, it } from 'vitest';
import delivery331 from '../../fixtures/wordpress/post-create-3.3.1.json';
import { admin, postWebhook, putConfig, secret, sign } from '../support/helpers';
import { casesConfig } from '../support/provider-cases';
import { errorOf } from './helpers';

beforeAll(async () => {
  await putConfig(casesConfig());
});

const KEY = secret('WORDPRESS_TOKEN');
const signatureOf = async (body: string, key = KEY) =>
  (await sign('wordpress', { secret: key, body }))['x-wp-webhook-signature']!;

describe('wordpress (WP Webhooks 3.3.1 signs the body)', () => {
  it('accepts a post_create delivery signed as 3.3.1 signs it: base64 HMAC-SHA256 of the body', async () => {
    const headers = { ...delivery331.headers, 'x-wp-webhook-signature': await signatureOf(delivery331.body) };
    expect((await postWebhook('wordpress', delivery331.body, headers)).status).toBe(202);
  });

  it('refuses the same signature on another body: it is not a static token', async () => {
    const headers = { ...delivery331.headers, 'x-wp-webhook-signature': await signatureOf(delivery331.body) };
    const other = delivery331.body.replace('Hello world!', 'Hello again!');
    const response = await postWebhook('wordpress', other, headers);
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('signature does not match');
  });

  it('refuses a delivery with only a bearer token unless the source is set to "signing": "token"', async () => {
    const bearer = { ...delivery331.headers, authorization: `Bearer ${KEY}` };
    const response = await postWebhook('wordpress', delivery331.body, bearer);
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('missing x-wp-webhook-signature header');
    expect((await postWebhook('wordpress-token', delivery331.body, bearer)).status).toBe(202);
  });

  it('refuses header/scheme options with the body signature, naming the field', async () => {
    const config = casesConfig({
      sources: { wp: { provider: 'wordpress', secrets: ['WORDPRESS_TOKEN'], options: { header: 'x-token' } } },
    });
    const response = await admin('/config?dryRun=1', { method: 'PUT', body: JSON.stringify(config) });
    expect(response.status).toBe(422);
    const { issues } = await response.json<{ issues: { path: string; message: string }[] }>();
    expect(issues).toContainEqual({
      path: 'sources.wp.options.signing',
      message: 'header and scheme apply to "signing": "token" only (the body signature is always X-WP-Webhook-Signature)',
    });
  });
});
