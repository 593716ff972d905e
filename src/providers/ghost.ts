// Ghost: `X-Ghost-Signature: sha256=<hex>, t=<ms>`, HMAC-SHA256 over the body followed by t (no separator).
// https://github.com/TryGhost/Ghost/blob/main/ghost/core/core/server/services/webhooks/WebhookTrigger.js
import * as z from 'zod/mini';
import { unauthorized } from '../errors';
import { concatBytes, fromHex, utf8 } from '../lib/bytes';
import { verifyHmacAny } from '../lib/crypto';
import { checkTimestamp, idString, isRecord, lookup, NO_OPTIONS, parsePayload, record, requireHeader, str } from './support';
import type { ContentAction, WebhookProvider, WebhookRequest } from './types';

const SIGNATURE = /^sha256=([0-9a-fA-F]{64}), t=(\d{1,16})$/;
const KINDS = ['post', 'page', 'tag', 'member'] as const;

/**
 * Ghost's webhook events (ghost/core/core/server/services/webhooks/listen.js). Some Ghost versions put the
 * event in the body (`{"event": "post.published", ...}`, WebhookTrigger.js): then it decides; otherwise the
 * payload's shape does (actionOf). `site.changed` sends `{}`: the whole site changed, an update.
 */
export const GHOST_ACTIONS: Readonly<Record<string, ContentAction>> = {
  'site.changed': 'update',
  'post.added': 'create',
  'post.deleted': 'delete',
  'post.edited': 'update',
  'post.published': 'publish',
  'post.published.edited': 'update',
  'post.unpublished': 'unpublish',
  'post.scheduled': 'update',
  'post.unscheduled': 'update',
  'post.rescheduled': 'update',
  'page.added': 'create',
  'page.deleted': 'delete',
  'page.edited': 'update',
  'page.published': 'publish',
  'page.published.edited': 'update',
  'page.unpublished': 'unpublish',
  'page.scheduled': 'update',
  'page.unscheduled': 'update',
  'page.rescheduled': 'update',
  'tag.added': 'create',
  'tag.edited': 'update',
  'tag.deleted': 'delete',
  'member.added': 'create',
  'member.edited': 'update',
  'member.deleted': 'delete',
  'post.tag.attached': 'update',
  'post.tag.detached': 'update',
  'page.tag.attached': 'update',
  'page.tag.detached': 'update',
};

/** Without an event name: `previous` holds only the changed fields, `current` is `{}` on delete. */
function actionOf(current: Record<string, unknown>, previous: Record<string, unknown>): ContentAction {
  if (Object.keys(current).length === 0) return 'delete';
  if ('status' in previous && previous.status !== current.status) {
    if (current.status === 'published') return 'publish';
    if (previous.status === 'published') return 'unpublish';
  }
  return Object.keys(previous).length === 0 ? (current.status === 'published' ? 'publish' : 'create') : 'update';
}

/** The body and `t`, as signed (`hmac(body + t)`): what identifies a delivery; Ghost retries with the same `t`. */
function signedParts(request: WebhookRequest): Uint8Array[] {
  const t = SIGNATURE.exec(request.headers.get('x-ghost-signature')?.trim() ?? '')?.[2] ?? '';
  return [request.body, utf8(t)];
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
    const event = str(body.event);
    const kind = KINDS.find((k) => Object.hasOwn(body, k) && isRecord(body[k]));
    // `site.changed` (body `{}`, or only its event): no document, the whole site.
    if (!kind) return [{ action: 'update', topic: event ?? 'site.changed', contentType: 'site', locales: [], fields: {} }];
    const current = record(record(body[kind]).current);
    const previous = record(record(body[kind]).previous);
    const action = lookup(GHOST_ACTIONS, event) ?? actionOf(current, previous);
    const document = Object.keys(current).length === 0 ? previous : current;
    return [
      {
        action,
        topic: event ?? `${kind}.${action}`,
        contentType: kind,
        documentId: idString(document.id),
        locales: [],
        fields: document,
        previous: Object.keys(previous).length > 0 ? previous : undefined,
      },
    ];
  },

  identify: (request) => ({ signed: signedParts(request) }),
};
