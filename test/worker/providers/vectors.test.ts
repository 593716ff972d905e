// Published test vectors, quoted verbatim from each platform's own tests, checked by the providers' verify.
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/lib/bytes';
import { kontentAi } from '../../../src/providers/kontent-ai';
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
  const context = {
    source: 'vector',
    secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    options: {},
    toleranceMs: 300_000,
    now: 1614265330_000,
  };

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
  const context = {
    source: 'vector',
    secrets: ['test'],
    options: { projection: 'document' as const },
    toleranceMs: 300_000,
    now: 1633519811129,
  };

  it('verifies the published signature', async () => {
    await expect(sanity.verify(request('{"_id":"resume"}', headers), context)).resolves.toBeUndefined();
  });

  it('rejects it once the replay window has passed', async () => {
    await expect(
      sanity.verify(request('{"_id":"resume"}', headers), { ...context, now: context.now + 301_000 }),
    ).rejects.toMatchObject({ status: 401 });
  });
});

describe('Kontent.ai helper v4 vector (kontent-ai/webhook-helper-js@7a7a316 test/signatures/signature.spec.ts)', () => {
  // Quoted from the spec: its secret, signature and payload; the helper signs JSON.stringify(payload, null, 2).
  const secret = 'hx3snVrI9E2Lgpi1LaL+WfiPWCh88OjI7Bv/3ihq+Qo=';
  const headers = { 'x-kontent-ai-signature': 'k97ud4G3+Bo58p4LDJQY8SK81AThPMIDlZQjyWJbOgI=' };
  const rawPayload = {
    notifications: [
      {
        data: {
          system: {
            id: '74fda2ec-5f05-45e6-801c-0b041697256c',
            name: 'This changes everything!',
            codename: 'this_changes_everything_',
            collection: 'default',
            workflow: 'default',
            workflow_step: 'published',
            language: 'default',
            type: 'product_update',
            last_modified: '2025-11-26T10:12:53.4900599Z',
          },
        },
        message: {
          environment_id: '2db94c54-294a-016e-81d4-826f7e4a11d8',
          object_type: 'content_item',
          action: 'workflow_step_changed',
          delivery_slot: 'preview',
          action_context: { previous_workflow: 'default', previous_workflow_step: 'draft' },
        },
      },
    ],
  };
  const payloadString = JSON.stringify(rawPayload, null, 2);
  const context = { source: 'vector', secrets: [secret], options: {}, toleranceMs: Infinity, now: Date.now() };

  it('verifies the published signature over the payload as the spec passes it (LF line breaks)', async () => {
    await expect(kontentAi.verify(request(payloadString, headers), context)).resolves.toBeUndefined();
  });

  it('verifies it over the CRLF form, as Kontent.ai sends it', async () => {
    await expect(kontentAi.verify(request(payloadString.replace(/\n/g, '\r\n'), headers), context)).resolves.toBeUndefined();
  });

  it('rejects it over the compact form (other bytes than line breaks)', async () => {
    await expect(kontentAi.verify(request(JSON.stringify(rawPayload), headers), context)).rejects.toMatchObject({ status: 401 });
  });
});
