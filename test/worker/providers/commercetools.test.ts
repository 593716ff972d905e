// commercetools through SNS and Pub/Sub push: envelope checks, allow-lists, the SNS subscription confirmation,
// and slug changes.
import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import slugChanged from '../../fixtures/commercetools/product-slug-changed.json?raw';
import awsConfirmation from '../../fixtures/commercetools/sns-subscription-confirmation.json';
import { allowSubscribeUrlsForTests, isSubscribeUrl, SUBSCRIBE_URL } from '../../../src/providers/sns-subscription';
import { parseConfig } from '../../../src/rules/schema';
import { saveConfig } from '../../../src/rules/store';
import { admin, postWebhook, putConfig, sign } from '../support/helpers';
import { PUBSUB_OPTIONS, SNS_TOPIC, pubsubBody } from '../support/cases/keyed';
import { casesConfig } from '../support/provider-cases';
import { errorOf, keyFetches, postSigned, previewEvent } from './helpers';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

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

  it('refuses a Signature that cannot be an RSA signature before fetching any certificate', async () => {
    const genuine = await snsMessage(slugChanged);
    const before = await keyFetches();
    for (const [i, signature] of ['AAAA', btoa('x'.repeat(255)), 'not base64!', btoa('x'.repeat(1024))].entries()) {
      const body = genuine.replace(/"Signature":"[^"]+"/, `"Signature":${JSON.stringify(signature)}`);
      // A certificate URL inside the allow-list that was never fetched: the refusal comes before any fetch.
      const response = await postWebhook('ct-sns', body.replace(/\/sns\/[a-z]+\.pem"/, `/sns/never${'abcd'[i]}.pem"`), {});
      expect(response.status).toBe(401);
      expect(await errorOf(response)).toBe('malformed Signature field (not an RSA signature)');
    }
    expect(await keyFetches()).toEqual(before);
  });
});

describe('commercetools over SNS: the subscription confirmation', () => {
  const LOOPBACK_SUBSCRIBE = () => new RegExp(`^${escapeRegex(env.KEYS_URL)}/sns/\\?Action=ConfirmSubscription&`);
  beforeAll(() => allowSubscribeUrlsForTests(LOOPBACK_SUBSCRIBE()));
  afterAll(() => allowSubscribeUrlsForTests(undefined));

  /** The docs' SubscriptionConfirmation, for the test topic, signed with `key`, its SubscribeURL on `host`. */
  async function confirmation(options: { key?: string; topicArn?: string; subscribeUrl?: string; type?: string } = {}) {
    const token = `${awsConfirmation.message.Token}${crypto.randomUUID().replace(/-/g, '')}`;
    const subscribeUrl =
      options.subscribeUrl ?? `${env.KEYS_URL}/sns/?Action=ConfirmSubscription&TopicArn=${SNS_TOPIC}&Token=${token}`;
    const signed = await sign('sns', {
      secret: options.key ?? 'current',
      body: awsConfirmation.message.Message.replaceAll('arn:aws:sns:us-west-2:123456789012:MyTopic', SNS_TOPIC),
      id: crypto.randomUUID(),
      options: {
        topicArn: options.topicArn ?? SNS_TOPIC,
        certBaseUrl: `${env.KEYS_URL}/sns`,
        messageType: options.type ?? 'SubscriptionConfirmation',
        subscribeUrl,
        token,
      },
    });
    return { body: signed.body!, subscribeUrl };
  }

  const visits = async (url: string) => (await keyFetches())[url.slice(env.KEYS_URL.length)] ?? 0;

  it('matches exactly AWS ConfirmSubscription URLs (the pattern, as a pure function)', () => {
    const aws = [
      awsConfirmation.message.SubscribeURL,
      'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:374852340823:demo&Token=2336412f37',
      'https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription&TopicArn=arn:aws-cn:sns:cn-north-1:123456789012:t&Token=1',
      'https://sns.us-gov-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws-us-gov:sns:us-gov-west-1:1:t&Token=1',
    ];
    for (const url of aws) expect(isSubscribeUrl(url), url).toBe(true);
    const lookAlikes = [
      'http://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=1',
      'https://sns.us-west-2.amazonaws.com.evil.example/?Action=ConfirmSubscription&Token=1',
      'https://sns.us-west-2.amazonaws.com@evil.example/?Action=ConfirmSubscription&Token=1',
      'https://sns.us-west-2.amazonaws.com:8443/?Action=ConfirmSubscription&Token=1',
      'https://sns.us-west-2.amazonaws.com.cn.evil.example/?Action=ConfirmSubscription&Token=1',
      'https://sns.evil.example.amazonaws.com.evil.example/?Action=ConfirmSubscription&Token=1',
      'https://snsXus-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=1',
      'https://sns.us-west-2XamazonawsXcom/?Action=ConfirmSubscription&Token=1',
      'https://evil.example/?u=https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&',
      'https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:1:t:1',
      'https://sns.us-west-2.amazonaws.com/evil?Action=ConfirmSubscription&Token=1',
      'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription',
      'https://SNS.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=1',
      'https://sns.us_west_2.amazonaws.com/?Action=ConfirmSubscription&Token=1',
      ' https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=1',
    ];
    for (const url of lookAlikes) expect(isSubscribeUrl(url), url).toBe(false);
    expect(SUBSCRIBE_URL.source).toBe('^https:\\/\\/sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?\\/\\?Action=ConfirmSubscription&');
  });

  it('confirms a verified SubscriptionConfirmation by visiting its SubscribeURL once, answers 200, and shows it in Deliveries', async () => {
    const { body, subscribeUrl } = await confirmation();
    const response = await postWebhook('ct-sns', body, { 'x-amz-sns-message-type': 'SubscriptionConfirmation' });
    expect(response.status).toBe(200);
    const receipt = await response.json<{ eventId: string; paths: number; handshake: string }>();
    expect(receipt).toMatchObject({ paths: 0, handshake: 'SNS subscription confirmed (SubscribeURL visited)' });
    expect(await visits(subscribeUrl)).toBe(1);
    const log = await admin(`/deliveries?source=ct-sns&event=${receipt.eventId}`);
    const [entry] = (await log.json<{ deliveries: Record<string, unknown>[] }>()).deliveries;
    expect(entry).toMatchObject({
      status: 200,
      outcome: 'accepted',
      provider: 'commercetools',
      topic: 'SubscriptionConfirmation',
      message: 'SNS subscription confirmed (SubscribeURL visited)',
      paths: 0,
    });
  });

  it('visits nothing for a confirmation that fails verification: forged, another topic, a certificate outside the allow-list', async () => {
    const forged = await confirmation({ key: 'rogue' });
    const otherTopic = await confirmation({ topicArn: 'arn:aws:sns:eu-central-1:999999999999:other' });
    const elsewhere = await confirmation();
    const outside = elsewhere.body.replace(/"SigningCertURL":"[^"]+"/, '"SigningCertURL":"https://sns.example.net/x.pem"');
    for (const body of [forged.body, otherTopic.body, outside]) {
      expect((await postWebhook('ct-sns', body, {})).status).toBe(401);
    }
    for (const url of [forged.subscribeUrl, otherTopic.subscribeUrl, elsewhere.subscribeUrl]) expect(await visits(url)).toBe(0);
  });

  it("refuses (400) a verified confirmation whose SubscribeURL is not AWS's, without visiting it", async () => {
    const { body } = await confirmation({ subscribeUrl: `${env.KEYS_URL}/sns/?Action=Unsubscribe&Token=1` });
    const response = await postWebhook('ct-sns', body, {});
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toBe(
      'SubscribeURL is not an AWS SNS ConfirmSubscription URL; the subscription was not confirmed',
    );
    expect(await visits(`${env.KEYS_URL}/sns/?Action=Unsubscribe&Token=1`)).toBe(0);
  });

  it('answers 503 when the SubscribeURL cannot be reached, so SNS sends the confirmation again', async () => {
    allowSubscribeUrlsForTests(/^http:\/\/127\.0\.0\.1:9\/\?Action=ConfirmSubscription&/);
    try {
      const { body } = await confirmation({ subscribeUrl: 'http://127.0.0.1:9/?Action=ConfirmSubscription&Token=1' });
      const response = await postWebhook('ct-sns', body, {});
      expect(response.status).toBe(503);
      expect(await errorOf(response)).toBe('could not reach the SNS SubscribeURL to confirm the subscription; retry later');
    } finally {
      allowSubscribeUrlsForTests(LOOPBACK_SUBSCRIBE());
    }
  });

  it('answers a verified UnsubscribeConfirmation 200 and visits nothing', async () => {
    const { body, subscribeUrl } = await confirmation({ type: 'UnsubscribeConfirmation' });
    const response = await postWebhook('ct-sns', body, {});
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ paths: 0, handshake: 'SNS unsubscribe confirmation received; nothing to do' });
    expect(await visits(subscribeUrl)).toBe(0);
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

  it('refuses a Pub/Sub source stored before its service account was required: its deliveries are a setup error (500)', async () => {
    const config = casesConfig({
      sources: {
        'ct-legacy': {
          provider: 'commercetools',
          options: { ...PUBSUB_OPTIONS, serviceAccount: undefined, jwksUrl: `${env.KEYS_URL}/jwks.json` },
        },
      },
    });
    expect(parseConfig(config).ok).toBe(false); // the API refuses it today
    const stored = parseConfig(config, { stored: true });
    if (!stored.ok) throw new Error(JSON.stringify(stored.issues));
    await saveConfig(env.CONFIG, config, Date.now(), { config: stored.config });
    try {
      const response = await postWebhook('ct-legacy', message, { authorization: await pubsubToken({}) });
      expect(response.status).toBe(500);
      expect((await admin('/status')).status).toBe(200); // the rest of the relay still works
    } finally {
      await putConfig(casesConfig());
    }
  });

  it('rejects a token of the configured service account whose email is not verified', async () => {
    const response = await postWebhook('ct-pubsub', message, { authorization: await pubsubToken({ emailVerified: false }) });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('token email is not verified (email_verified must be true)');
  });

  it('refuses a token with a critical header extension or extra segments, even correctly signed', async () => {
    const token = await pubsubToken({});
    const [head = '', body = '', signature = ''] = token.replace(/^Bearer /, '').split('.');
    const response = await postWebhook('ct-pubsub', message, { authorization: `Bearer ${head}.${body}.${signature}.x` });
    expect(response.status).toBe(401);
    expect(await errorOf(response)).toBe('malformed authorization JWT (a JWS has exactly three segments)');
    const header = JSON.parse(atob(head.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    for (const extension of [{ crit: ['exp'] }, { b64: false, crit: ['b64'] }, { b64: true }]) {
      const forged = `${btoa(JSON.stringify({ ...header, ...extension }))
        .replace(/=+$/, '')
        .replace(/\+/g, '-')
        .replace(/\//g, '_')}.${body}.${signature}`;
      const refused = await postWebhook('ct-pubsub', message, { authorization: `Bearer ${forged}` });
      expect(refused.status).toBe(401);
      expect(await errorOf(refused)).toBe('the token carries a critical header extension the relay does not support');
    }
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
