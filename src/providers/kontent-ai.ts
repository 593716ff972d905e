// Kontent.ai: `X-Kontent-ai-Signature` (legacy `X-KC-Signature`), base64 HMAC-SHA256 keyed by the secret's
// UTF-8 bytes (not base64-decoded), over the body with its line breaks normalised to CRLF, as the official
// helper v4 verifies (kontent-ai/webhook-helper-js@7a7a316 lib/signatures/signature-helper.ts
// isSignatureValid: `getHashFromString(replaceLinebreaks(payload), secret)`, `/[\r\n]+/gm` → `\r\n`).
// The raw bytes are accepted too (helper v3 compared them as received). https://kontent.ai/learn/docs/webhooks
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { decodeUtf8, utf8 } from '../lib/bytes';
import { verifyBodyHmac } from './body-hmac';
import { localeList, NO_OPTIONS, parsePayload, pick, record, str, verbAction } from './support';
import type { WebhookProvider } from './types';

const Payload = z.looseObject({
  notifications: z.optional(z.array(z.unknown())),
  data: z.optional(z.record(z.string(), z.unknown())),
  message: z.optional(z.record(z.string(), z.unknown())),
});

/**
 * The body as received and as helper v4 hashes it: every run of CR/LF replaced by one CRLF. A JSON body
 * holds no raw line break inside a string, so the normalisation only touches whitespace between tokens.
 */
export function bodyForms(body: Uint8Array): Uint8Array[] {
  let text: string;
  try {
    text = decodeUtf8(body);
  } catch {
    return [body];
  }
  const normalised = text.replace(/[\r\n]+/g, '\r\n');
  return normalised === text ? [body] : [body, utf8(normalised)];
}

export const kontentAi: WebhookProvider<Record<string, never>> = {
  name: 'kontent-ai',
  options: NO_OPTIONS,
  defaultToleranceMs: undefined,

  async verify(request, { secrets }) {
    const header = request.headers.get('x-kontent-ai-signature') ?? request.headers.get('x-kc-signature');
    if (!header) throw unauthorized('missing x-kontent-ai-signature header');
    const scheme = { hash: 'SHA-256', header: 'x-kontent-ai-signature', encoding: 'base64' } as const;
    await verifyBodyHmac(bodyForms(request.body), secrets, scheme, header.trim());
  },

  normalize(_request, payload) {
    const body = parsePayload(Payload, payload, 'Kontent.ai');
    // Current webhooks batch notifications ({data.system, message}); legacy ones list data.items.
    // The event describes the first; rules that must cover a batch purge a pattern.
    const first = record(body.notifications?.[0]);
    const legacy = !body.notifications;
    const system = legacy ? record(pick(body, 'data.items.0')) : record(pick(first, 'data.system'));
    const message = legacy ? record(body.message) : record(first.message);
    const verb = str(message.action) ?? str(message.operation) ?? 'changed';
    const objectType = str(message.object_type) ?? str(message.type) ?? 'content_item';
    return {
      action: verbAction(verb),
      topic: `${objectType}.${verb}`,
      contentType: str(system.type) ?? objectType,
      documentId: str(system.id),
      locales: localeList(system.language),
      fields: system,
      deliveryId: legacy ? str(message.id) : undefined,
    };
  },
};
