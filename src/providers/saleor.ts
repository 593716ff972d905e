// Saleor: `Saleor-Signature`, a JWS with detached payload (`<b64 header>..<b64 signature>`), RS256 over
// `<b64 header>.<raw body>`, keys from the instance's JWKS; or, deprecated, hex HMAC-SHA256 of the body.
// https://docs.saleor.io/developer/extending/webhooks/payload-signature
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { concatBytes, utf8 } from '../lib/bytes';
import { verifyBodyHmac } from './body-hmac';
import { RS256, decodeJsonPart, jwsSegments, verifyRs256 } from './jws';
import { KEY_URL } from './keys';
import { idString, isRecord, parsePayload, requireHeader, str, verbAction } from './support';
import type { WebhookProvider } from './types';

const Options = z.strictObject({
  /** `<your Saleor API origin>/.well-known/jwks.json`. Without it, the deprecated HMAC with `secrets`. */
  jwksUrl: z.optional(KEY_URL),
});
type SaleorOptions = z.infer<typeof Options>;

// Subscription payloads put the object under its own key; these keys are the envelope's.
const ENVELOPE = new Set(['issuedAt', 'version', 'issuingPrincipal', 'recipient', '__typename']);

export const saleor: WebhookProvider<SaleorOptions> = {
  name: 'saleor',
  options: Options,
  usesSecrets: (options) => options.jwksUrl === undefined,
  defaultToleranceMs: undefined,
  audit: { keyUrls: (options) => (options.jwksUrl ? [{ url: options.jwksUrl, algorithm: RS256 }] : []) },

  async verify(request, { source, secrets, options, now }) {
    const value = requireHeader(request.headers, 'saleor-signature');
    if (!options.jwksUrl) {
      // The deprecated scheme: hex HMAC-SHA256 of the body with the app's secret.
      return verifyBodyHmac(request.body, secrets, { hash: 'SHA-256', header: 'saleor-signature', encoding: 'hex' }, value);
    }
    const [head, payload, signature] = jwsSegments(value, 'saleor-signature');
    const header = decodeJsonPart(head);
    if (payload !== '' || !header) throw unauthorized('malformed saleor-signature (a detached JWS is expected)');
    // saleor/core/jwt_manager.py jws_encode: PyJWT api_jws.encode(..., headers={"kid", "crit": ["b64"]},
    // is_payload_detached=True), which writes b64:false: the signing input is `<header>.<raw body>` (RFC 7797).
    const data = concatBytes(utf8(`${head}.`), request.body);
    await verifyRs256({ header, unencodedPayload: true, signature, data, source, jwksUrl: options.jwksUrl }, now);
  },

  normalize(request, payload) {
    const body = parsePayload(z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]), payload, 'Saleor');
    // Legacy payloads are a list of objects; subscription payloads are `{product: {...}}` and the like.
    const entry = Array.isArray(body) ? undefined : Object.entries(body).find(([k, v]) => !ENVELOPE.has(k) && isRecord(v));
    const found = Array.isArray(body) ? body[0] : entry?.[1];
    const object = isRecord(found) ? found : {};
    const event = request.headers.get('saleor-event') ?? 'unknown_updated';
    return {
      action: verbAction(event),
      topic: event,
      contentType: entry?.[0] ?? str(object.type)?.toLowerCase() ?? event.replace(/_[a-z]+$/, ''),
      documentId: idString(object.id),
      locales: [],
      fields: object,
    };
  },
};
