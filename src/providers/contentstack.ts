// Contentstack: the default certificate signing (`X-Contentstack-Request-Signature: v1=<b64>`, RSA-PSS
// SHA-256 over the raw body, public key `{"signing-key": "-----BEGIN RSA PUBLIC KEY-----…"}` (PKCS#1) from
// the region's public-keys.json) or per-organization
// HMAC signing (`x-contentstack-hmac-signature: t=<s>,v1=<hex>[,v1=...]` over `${t}.${body}`).
// https://www.contentstack.com/docs/headless-cms/secure-your-webhooks
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { concatBytes, fromBase64, utf8 } from '../lib/bytes';
import { verifyHmacAny, verifyWithAny } from '../lib/crypto';
import { isPlausibleRsaSignature, KEY_URL, verifyWithKeys } from './keys';
import { parseTimestampedSignature } from './stripe';
import {
  checkTimestamp,
  localeList,
  lookup,
  parseIntStrict,
  parsePayload,
  pick,
  record,
  requireHeader,
  signedBody,
  str,
} from './support';
import type { ContentAction, WebhookProvider, WebhookRequest } from './types';

const PSS = { name: 'RSA-PSS', hash: 'SHA-256' };
/** SHA-256's length: the salt length most PSS signers use. */
const DIGEST_BYTES = 32;

const Options = z.strictObject({
  /** `certificate` (Contentstack's default) or `hmac` (the organization's HMAC signing key in `secrets`). */
  signing: z._default(z.enum(['certificate', 'hmac']), 'certificate'),
  /** Where the certificate's public key is published (EU, Azure and GCP regions have their own host). */
  publicKeysUrl: z._default(KEY_URL, 'https://app.contentstack.com/.well-known/public-keys.json'),
});
type ContentstackOptions = z.infer<typeof Options>;

/**
 * `event`: "One of these [create, update, delete, publish, publish.start, publish.success, publish.fail,
 * unpublish, unpublish.start, unpublish.success, unpublish.fail]" (Webhook Data Format,
 * https://www.contentstack.com/docs/developers/set-up-webhooks/webhook-data-format). A publish that has only
 * started, or failed, changed nothing on the site: null, no event (nothing purged, nothing forgotten).
 */
export const CONTENTSTACK_ACTIONS: Readonly<Record<string, ContentAction | null>> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  publish: 'publish',
  'publish.start': null,
  'publish.success': 'publish',
  'publish.fail': null,
  unpublish: 'unpublish',
  'unpublish.start': null,
  'unpublish.success': 'unpublish',
  'unpublish.fail': null,
};

const Payload = z.looseObject({
  module: z.optional(z.string()),
  event: z.string(),
  data: z.optional(z.record(z.string(), z.unknown())),
});

/**
 * The signatures of `X-Contentstack-Request-Signature`: `v1=<b64>`, or several comma-separated
 * (`v1=a,v1=b`), as Contentstack's samples split it (hanoak/contentstack-webhook-verify
 * src/utils/signature-verify.ts: `headerSignature.split(",")[0].split("=")[1]`); a bare base64 value too.
 */
export function certificateSignatures(value: string): Uint8Array[] {
  const parts = value.split(',').map((part) => part.trim());
  const texts = parts.length === 1 && !parts[0]!.startsWith('v1=') ? parts : parts.filter((p) => p.startsWith('v1='));
  return texts.map((text) => fromBase64(text.replace(/^v1=/, ''))).filter(isPlausibleRsaSignature);
}

/**
 * RSA-PSS with SHA-256. The salt length is not published: Node's verifier (the only published one) detects
 * it, WebCrypto cannot, so the two lengths signers use are tried: the digest's (32) and the largest the key
 * allows (Node's default when signing, RSA_PSS_SALTLEN_MAX_SIGN). Both are signatures by the same key.
 */
async function verifyPss(keys: readonly CryptoKey[], signatures: Uint8Array[], body: Uint8Array): Promise<boolean> {
  for (const key of keys) {
    const bits = (key.algorithm as CryptoKeyRsaKeyAlgorithm).modulusLength;
    const largest = Math.ceil((bits - 1) / 8) - DIGEST_BYTES - 2;
    for (const saltLength of [DIGEST_BYTES, largest])
      for (const signature of signatures)
        if (await verifyWithAny({ name: 'RSA-PSS', saltLength }, [key], signature, body)) return true;
  }
  return false;
}

async function verifyCertificate(request: WebhookRequest, source: string, url: string, now: number): Promise<void> {
  const signatures = certificateSignatures(requireHeader(request.headers, 'x-contentstack-request-signature'));
  // Checked before any fetch: only what could be an RSA signature makes the relay look up the key.
  if (signatures.length === 0) throw unauthorized('malformed x-contentstack-request-signature');
  const verified = await verifyWithKeys({ source, url, algorithm: PSS }, now, (ring) =>
    verifyPss(ring.all, signatures, request.body),
  );
  if (!verified) throw unauthorized('signature does not match');
}

export const contentstack: WebhookProvider<ContentstackOptions> = {
  name: 'contentstack',
  options: Options,
  usesSecrets: (options) => options.signing === 'hmac',
  audit: {
    keyUrls: (options) => (options.signing === 'certificate' ? [{ url: options.publicKeysUrl, algorithm: PSS }] : []),
  },
  // For HMAC signing (its `t` is signed; certificate signatures cover the body only). Contentstack retries
  // 4 times after 5, 25, 125 and 625 s (780 s, plus up to 30 s per attempt; contentstack.com/docs/developers/
  // set-up-webhooks/webhook-retry-policy) and does not say whether `t` is renewed: 20 minutes cover it.
  defaultToleranceMs: 1_200_000,

  async verify(request, { source, secrets, options, toleranceMs, now }) {
    if (options.signing === 'certificate') return verifyCertificate(request, source, options.publicKeysUrl, now);
    // Several v1 signatures while the organization rotates its key: any may match.
    const { t, v1 } = parseTimestampedSignature(requireHeader(request.headers, 'x-contentstack-hmac-signature'));
    const seconds = parseIntStrict(t);
    if (seconds === undefined || v1.length === 0) throw unauthorized('malformed x-contentstack-hmac-signature');
    checkTimestamp(seconds * 1000, now, toleranceMs);
    if (!(await verifyHmacAny('SHA-256', secrets, concatBytes(utf8(`${t}.`), request.body), v1))) {
      throw unauthorized('signature does not match');
    }
  },

  normalize(_request, payload) {
    const body = parsePayload(Payload, payload, 'Contentstack');
    const data = body.data ?? {};
    const listed = lookup(CONTENTSTACK_ACTIONS, body.event);
    // The plain publish/unpublish event says how it went in `data.status`: only a success changed the site.
    const failed = (body.event === 'publish' || body.event === 'unpublish') && 'status' in data && data.status !== 'success';
    if (listed === null || failed) return [];
    const module = body.module ?? 'entry';
    const document = record(Object.hasOwn(data, module) ? data[module] : undefined);
    return [
      {
        action: listed ?? 'update',
        topic: `${module}.${body.event}`,
        contentType: str(pick(data, 'content_type.uid')) ?? module,
        documentId: str(document.uid),
        locales: localeList(str(data.locale) ?? str(document.locale)),
        fields: document,
      },
    ];
  },

  // The body (certificate) or `t` and the body (HMAC) is what is signed; the body carries triggered_at.
  identify(request, _payload, options) {
    if (options.signing === 'certificate') return signedBody(request);
    const { t } = parseTimestampedSignature(request.headers.get('x-contentstack-hmac-signature') ?? '');
    return { signed: [utf8(`${t ?? ''}.`), request.body] };
  },
};
