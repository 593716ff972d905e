// Ghost: `X-Ghost-Signature: sha256=<hex>, t=<ms>`, HMAC-SHA256 over the body followed by t (no separator).
// https://github.com/TryGhost/Ghost/blob/main/ghost/core/core/server/services/webhooks/WebhookTrigger.js
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { concatBytes, fromHex, utf8 } from '../lib/bytes';
import { verifyHmacAny } from '../lib/crypto';
import { checkTimestamp, idString, NO_OPTIONS, parsePayload, record, requireHeader } from './support';
import type { ContentAction, WebhookProvider } from './types';

const SIGNATURE = /^sha256=([0-9a-fA-F]{64}), t=(\d{1,16})$/;
const KINDS = ['post', 'page', 'tag', 'member'] as const;

/** Ghost sends no event name: `previous` holds only the changed fields, `current` is `{}` on delete. */
function actionOf(current: Record<string, unknown>, previous: Record<string, unknown>): ContentAction {
  if (Object.keys(current).length === 0) return 'delete';
  if ('status' in previous && previous.status !== current.status) {
    if (current.status === 'published') return 'publish';
    if (previous.status === 'published') return 'unpublish';
  }
  return Object.keys(previous).length === 0 ? (current.status === 'published' ? 'publish' : 'create') : 'update';
}

export const ghost: WebhookProvider<Record<string, never>> = {
  name: 'ghost',
  options: NO_OPTIONS,
  // Ghost signs `t` once per event, not per attempt (TryGhost/Ghost webhook-trigger.js: `ts = Date.now()`
  // before the request), and its client retries at most 5 times within about a minute (2 s timeouts, got's
  // back-off): five minutes cover them.
  defaultToleranceMs: 300_000,

  async verify(request, { secrets, toleranceMs, now }) {
    const match = SIGNATURE.exec(requireHeader(request.headers, 'x-ghost-signature'));
    if (!match?.[1] || !match[2]) throw unauthorized('malformed x-ghost-signature');
    checkTimestamp(Number(match[2]), now, toleranceMs);
    const data = concatBytes(request.body, utf8(match[2]));
    if (!(await verifyHmacAny('SHA-256', secrets, data, [fromHex(match[1])!]))) {
      throw unauthorized('signature does not match');
    }
  },

  normalize(_request, payload) {
    const body = parsePayload(z.record(z.string(), z.unknown()), payload, 'Ghost');
    const kind = KINDS.find((k) => k in body) ?? 'post';
    const current = record(record(body[kind]).current);
    const previous = record(record(body[kind]).previous);
    const action = actionOf(current, previous);
    const document = action === 'delete' ? previous : current;
    return {
      action,
      topic: `${kind}.${action}`,
      contentType: kind,
      documentId: idString(document.id),
      locales: [],
      fields: document,
      previous: Object.keys(previous).length > 0 ? previous : undefined,
    };
  },
};
