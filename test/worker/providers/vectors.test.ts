// Published test vectors, quoted verbatim from each platform's own tests, checked by the providers' verify.
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/lib/bytes';
import { sanity } from '../../../src/providers/sanity';
import { standardWebhooks } from '../../../src/providers/standard-webhooks';
import type { WebhookRequest } from '../../../src/providers/types';

const request = (body: string, headers: Record<string, string>): WebhookRequest => ({
  method: 'POST',
  url: new URL('https://relay.example/webhooks/vector'),
  headers: new Headers(headers),
  body: utf8(body),
});

describe('Standard Webhooks vector (standard-webhooks libraries/javascript/src/webhook.test.ts)', () => {
  const headers = {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const context = { secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], options: {}, toleranceMs: 300_000, now: 1614265330_000 };

  it('verifies the published signature', async () => {
    await expect(standardWebhooks.verify(request('{"test": 2432232314}', headers), context)).resolves.toBeUndefined();
  });

  it('rejects the published signature over a re-serialized body', async () => {
    await expect(standardWebhooks.verify(request('{"test":2432232314}', headers), context)).rejects.toMatchObject({
      status: 401,
    });
  });
});

describe('Sanity vector (sanity-io/webhook-toolkit test/signature.test.ts)', () => {
  const headers = { 'sanity-webhook-signature': 't=1633519811129,v1=tLa470fx7qkLLEcMOcEUFuBbRSkGujyskxrNXcoh0N0' };
  const context = { secrets: ['test'], options: { projection: 'document' as const }, toleranceMs: 300_000, now: 1633519811129 };

  it('verifies the published signature', async () => {
    await expect(sanity.verify(request('{"_id":"resume"}', headers), context)).resolves.toBeUndefined();
  });

  it('rejects it once the replay window has passed', async () => {
    await expect(
      sanity.verify(request('{"_id":"resume"}', headers), { ...context, now: context.now + 301_000 }),
    ).rejects.toMatchObject({ status: 401 });
  });
});
