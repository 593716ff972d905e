// Published test vectors, quoted verbatim from the platforms' own test suites.
import { describe, expect, it } from 'vitest';
import { sanity } from '../../src/providers/sanity';
import { standardWebhooks } from '../../src/providers/standard-webhooks';
import { utf8 } from '../../src/lib/bytes';
import type { WebhookRequest } from '../../src/providers/types';

const request = (body: string, headers: Record<string, string>): WebhookRequest => ({
  method: 'POST',
  url: new URL('https://relay.example/webhooks/x'),
  headers: new Headers(headers),
  body: utf8(body),
});

describe('Sanity vector (sanity-io/webhook-toolkit test/signature.test.ts)', () => {
  const header = 't=1633519811129,v1=tLa470fx7qkLLEcMOcEUFuBbRSkGujyskxrNXcoh0N0';
  const context = { secrets: ['test'], options: {}, toleranceMs: 300_000, now: 1633519811129 };

  it('accepts the documented signature for {"_id":"resume"} with secret "test"', async () => {
    await expect(
      sanity.verify(request('{"_id":"resume"}', { 'sanity-webhook-signature': header }), context),
    ).resolves.toBeUndefined();
  });

  it('rejects it for any other body or secret', async () => {
    await expect(
      sanity.verify(request('{"_id":"resumé"}', { 'sanity-webhook-signature': header }), context),
    ).rejects.toMatchObject({ status: 401 });
    await expect(
      sanity.verify(request('{"_id":"resume"}', { 'sanity-webhook-signature': header }), { ...context, secrets: ['tset'] }),
    ).rejects.toMatchObject({ status: 401 });
  });
});

describe('Standard Webhooks vector (standard-webhooks libraries/javascript/src/webhook.test.ts)', () => {
  const headers = {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const context = { secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], options: {}, toleranceMs: 300_000, now: 1614265330_000 };

  it('accepts the documented signature, also among several space-separated ones', async () => {
    await expect(standardWebhooks.verify(request('{"test": 2432232314}', headers), context)).resolves.toBeUndefined();
    const several = {
      ...headers,
      'webhook-signature': `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= ${headers['webhook-signature']}`,
    };
    await expect(standardWebhooks.verify(request('{"test": 2432232314}', several), context)).resolves.toBeUndefined();
  });

  it('rejects it once the body is re-serialized (raw bytes are what is signed)', async () => {
    await expect(standardWebhooks.verify(request('{"test":2432232314}', headers), context)).rejects.toMatchObject({
      status: 401,
      message: 'signature does not match',
    });
  });

  it('rejects it five minutes and one second later', async () => {
    await expect(
      standardWebhooks.verify(request('{"test": 2432232314}', headers), { ...context, now: context.now + 301_000 }),
    ).rejects.toMatchObject({ status: 401, message: 'signature timestamp is too old (replay window)' });
  });
});
