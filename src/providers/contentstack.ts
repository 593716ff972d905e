// Contentstack: the default certificate signing (`X-Contentstack-Request-Signature: v1=<b64>`, RSA-PSS
// SHA-256, salt 32, over the raw body, public key from the region's public-keys.json) or per-organization
// HMAC signing (`x-contentstack-hmac-signature: t=<s>,v1=<hex>[,v1=...]` over `${t}.${body}`).
// https://www.contentstack.com/docs/headless-cms/secure-your-webhooks
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { concatBytes, fromBase64, utf8 } from '../lib/bytes';
import { verifyHmacAny, verifyWithAny } from '../lib/crypto';
import { KEY_URL, keyRing } from './keys';
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

async function verifyCertificate(request: WebhookRequest, url: string, now: number): Promise<void> {
  const value = requireHeader(request.headers, 'x-contentstack-request-signature');
  const signature = fromBase64(value.replace(/^v1=/, ''));
  if (!signature) throw unauthorized('malformed x-contentstack-request-signature');
  const ring = await keyRing(url, PSS, now);
  if (!(await verifyWithAny({ name: 'RSA-PSS', saltLength: 32 }, ring.all, signature, request.body))) {
    throw unauthorized('signature does not match');
  }
}

export const contentstack: WebhookProvider<ContentstackOptions> = {
  name: 'contentstack',
  options: Options,
  usesSecrets: (options) => options.signing === 'hmac',
  // For HMAC signing (its `t` is signed); certificate signatures cover the body only.
  defaultToleranceMs: 300_000,

  async verify(request, { secrets, options, toleranceMs, now }) {
    if (options.signing === 'certificate') return verifyCertificate(request, options.publicKeysUrl, now);
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
