// commercetools through SNS and Pub/Sub push: envelope checks, allow-lists, and slug changes.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import slugChanged from '../../fixtures/commercetools/product-slug-changed.json?raw';
import { commercetools } from '../../../src/providers/commercetools';
import { utf8 } from '../../../src/lib/bytes';
import { postWebhook, putConfig, sign } from '../support/helpers';
import { PUBSUB_OPTIONS, SNS_TOPIC, pubsubBody } from '../support/cases/keyed';
import { casesConfig } from '../support/provider-cases';
import { errorOf, postSigned, previewEvent } from './helpers';

beforeAll(async () => {
  await putConfig(casesConfig());
});

async function snsMessage(message: string, options: Record<string, unknown> = {}) {
  const signed = await sign('sns', {
    secret: 'current',
    body: message,
    id: crypto.randomUUID(),
    options: { topicArn: SNS_TOPIC, certBaseUrl: `${env.KEYS_URL}/sns`, ...options },
  });
  return signed.body!;
}

const pubsubToken = async (options: Record<string, unknown>) =>
  (await sign('google-pubsub', { secret: 'current', body: '', options: { ...PUBSUB_OPTIONS, ...options } })).authorization!;

describe('commercetools over SNS', () => {
  it('reads ProductSlugChanged: the new slug per locale and the old one as previous', async () => {
    const event = await previewEvent('ct-sns', await snsMessage(slugChanged));
    expect(event).toMatchObject({
      action: 'update',
      topic: 'ProductSlugChanged',
      contentType: 'product',
      locales: ['en', 'de'],
      fields: { slug: 'ethiopian-coffee' },
      localized: { de: { slug: 'aethiopischer-kaffee' } },
      previous: { slug: { en: 'coffee-ethiopia', de: 'kaffee-aethiopien' } },
      deliveryId: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
    });
  });

  it('accepts SignatureVersion 2 (SHA256withRSA)', async () => {
    const body = await snsMessage(slugChanged.replace('5a6b7c8d', '00000002'), { signatureVersion: '2' });
    expect((await postWebhook('ct-sns', body, {})).status).toBe(202);
  });

  it('refuses a SigningCertURL outside the allow-list before fetching it', async () => {
    const body = (await snsMessage(slugChanged)).replace(
      /"SigningCertURL":"[^"]+"/,
      '"SigningCertURL":"https://sns.example.net/SimpleNotificationService-1.pem"',
    );
    const response = await postWebhook('ct-sns', body, {});
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('SigningCertURL is not allowed');
  });

  it('refuses with 401 a SigningCertURL inside the allow-list that names no certificate (not a 503)', async () => {
    const body = (await snsMessage(slugChanged)).replace(/\/sns\/[a-z]+\.pem"/, '/sns/forged.pem"');
    expect(body).toContain('/sns/forged.pem');
    const response = await postWebhook('ct-sns', body, {});
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('the signing certificate the message names does not exist');
  });

  it('refuses a message from another topic, even signed by AWS', async () => {
    const response = await postWebhook(
      'ct-sns',
      await snsMessage(slugChanged, { topicArn: 'arn:aws:sns:eu-central-1:999999999999:other' }),
      {},
    );
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('TopicArn is not the configured topic');
  });

  it('answers a subscription confirmation 400: it is confirmed in the AWS console', () => {
    const request = { method: 'POST', url: new URL('https://relay.example/'), headers: new Headers(), body: utf8('{}') };
    const confirmation = { Type: 'SubscriptionConfirmation', Message: 'You have chosen to subscribe to the topic.' };
    expect(() =>
      commercetools.normalize(request, confirmation, { push: 'sns', topicArn: SNS_TOPIC, certUrlPattern: '^$' }),
    ).toThrow(/AWS console/);
  });
});

describe('commercetools over Pub/Sub push', () => {
  const message = pubsubBody(slugChanged);

  it('rejects a Google token minted for another audience', async () => {
    const response = await postWebhook('ct-pubsub', message, {
      authorization: await pubsubToken({ audience: 'https://elsewhere.example' }),
    });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('token audience is not the configured audience');
  });

  it('rejects a Google-signed token of another service account with the right audience (SECURITY.md F1)', async () => {
    // Anyone with a free Google project can mint this token for the relay's URL.
    const response = await postWebhook('ct-pubsub', message, {
      authorization: await pubsubToken({ serviceAccount: 'intruder@evil.iam.gserviceaccount.com' }),
    });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('token was not issued to the configured service account');
  });

  it('rejects a token of the configured service account whose email is not verified', async () => {
    const response = await postWebhook('ct-pubsub', message, { authorization: await pubsubToken({ emailVerified: false }) });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('token email is not verified (email_verified must be true)');
  });

  it('rejects an Authorization header that is not a Bearer JWT', async () => {
    const response = await postWebhook('ct-pubsub', message, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(response.status).toBe(401);
  });

  it('decodes the base64 message data into the commercetools message', async () => {
    const event = await previewEvent('ct-pubsub', message, {});
    expect(event).toMatchObject({
      topic: 'ProductSlugChanged',
      fields: { slug: 'ethiopian-coffee' },
      previous: { slug: { en: 'coffee-ethiopia' } },
    });
    expect((await postSigned('ct-pubsub', message)).status).toBe(202);
  });
});
