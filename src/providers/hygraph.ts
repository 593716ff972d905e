// Hygraph: `gcms-signature: sign=<b64>, env=<env>, t=<ms>`, HMAC-SHA256 over
// JSON.stringify({Body, EnvironmentName, TimeStamp}) in that key order, Body the raw body text.
// https://hygraph.com/docs/api-reference/basics/webhooks (verifier: @hygraph/utils)
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { decodeUtf8, fromBase64, utf8 } from '../lib/bytes';
import { verifyHmacAny } from '../lib/crypto';
import { checkTimestamp, idString, isRecord, lookup, NO_OPTIONS, parsePayload, requireHeader, str } from './support';
import type { ContentAction, WebhookProvider, WebhookRequest } from './types';

const SIGNATURE = /^sign=([A-Za-z0-9+/=]+), env=([^,]*), t=(\d{1,16})$/;

/** `operation`: https://hygraph.com/docs/api-reference/basics/webhooks (triggers: create, update, delete, publish, unpublish). */
export const HYGRAPH_ACTIONS: Readonly<Record<string, ContentAction>> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  publish: 'publish',
  unpublish: 'unpublish',
};

/** What Hygraph signs: `JSON.stringify({Body, EnvironmentName, TimeStamp})` (@hygraph/utils), the body as text. */
function signedData(request: WebhookRequest, match: RegExpExecArray): Uint8Array | undefined {
  let text: string;
  try {
    text = decodeUtf8(request.body);
  } catch {
    return undefined;
  }
  return utf8(JSON.stringify({ Body: text, EnvironmentName: match[2], TimeStamp: Number(match[3]) }));
}

const Payload = z.looseObject({
  operation: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const hygraph: WebhookProvider<Record<string, never>> = {
  name: 'hygraph',
  options: NO_OPTIONS,
  // "You can select POST, DELETE, GET or PUT" (webhooks overview): a body comes with POST and PUT.
  methods: ['PUT'],
  // The SDK checks no age; Hygraph documents neither its retries nor whether they are signed anew, and may
  // queue sends: an hour (docs/providers.md, "Replay windows").
  defaultToleranceMs: 3_600_000,

  async verify(request, { secrets, toleranceMs, now }) {
    const match = SIGNATURE.exec(requireHeader(request.headers, 'gcms-signature'));
    const signature = match?.[1] ? fromBase64(match[1]) : undefined;
    if (!match || !signature) throw unauthorized('malformed gcms-signature');
    checkTimestamp(Number(match[3]), now, toleranceMs);
    const data = signedData(request, match);
    if (!data || !(await verifyHmacAny('SHA-256', secrets, data, [signature]))) throw unauthorized('signature does not match');
  },

  normalize(_request, payload) {
    const { operation, data } = parsePayload(Payload, payload, 'Hygraph');
    // Localized models list each locale's fields in `localizations`.
    const localized: Record<string, Record<string, unknown>> = {};
    for (const entry of Array.isArray(data.localizations) ? data.localizations : []) {
      if (isRecord(entry) && str(entry.locale)) localized[entry.locale as string] = { ...data, ...entry };
    }
    const locales = Object.keys(localized);
    if (locales.length === 0 && str(data.locale)) locales.push(data.locale as string);
    return [
      {
        action: lookup(HYGRAPH_ACTIONS, operation) ?? 'update',
        topic: operation,
        contentType: str(data.__typename),
        documentId: idString(data.id),
        locales,
        fields: data,
        localized: Object.keys(localized).length > 0 ? localized : undefined,
      },
    ];
  },

  identify(request) {
    const match = SIGNATURE.exec(request.headers.get('gcms-signature')?.trim() ?? '');
    const data = match && signedData(request, match);
    return data ? { signed: [data] } : undefined;
  },
};
