// A notification as a Standard Webhooks event: JSON `{type, timestamp, data}` signed with `webhook-id`,
// `webhook-timestamp` (seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, the key
// being the base64 after `whsec_`, so receivers verify it with the official libraries.
// Spec: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
import { fromBase64, toBase64, utf8 } from '../lib/bytes';
import { hmacSign } from '../lib/crypto';
import type { AnyEvent } from './events';
import type { Link } from './slack';
import { sentence, type Wording } from './words';

const SECRET_PREFIX = 'whsec_';
/** Events of a group listed in one message; `count` says how many there were. */
export const EVENTS_PER_MESSAGE = 100;

/** The signing key: the spec's `whsec_` + base64; undefined when the secret is not one. */
export function webhookKey(secret: string): Uint8Array | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return undefined;
  const key = fromBase64(secret.slice(SECRET_PREFIX.length));
  return key && key.length > 0 ? key : undefined;
}

/** `v1,<base64>`: the spec's "Signature scheme", symmetric (HMAC-SHA256 over `${id}.${timestamp}.${body}`). */
export async function signStandardWebhook(key: Uint8Array, id: string, timestampSeconds: number, body: string) {
  const signature = await hmacSign('SHA-256', key, utf8(`${id}.${timestampSeconds}.${body}`));
  return `v1,${toBase64(signature)}`;
}

/** The body of a message: the spec's `{type, timestamp, data}`; data lists the group's events and says it in words. */
export function webhookBody(
  events: readonly AnyEvent[],
  wording: Omit<Wording, 'bold'>,
  links: readonly Link[],
  now: number,
  count = events.length,
) {
  const first = events[0]!;
  const eventId = 'eventId' in first ? first.eventId : undefined;
  const change = eventId ? wording.change(eventId) : undefined;
  return JSON.stringify({
    type: first.type,
    timestamp: new Date(now).toISOString(),
    data: {
      text: sentence(events, { ...wording, bold: (s) => s }, count),
      count,
      events: events.slice(0, EVENTS_PER_MESSAGE),
      ...(change && { change }),
      links: Object.fromEntries(links.map((l) => [l.label, l.url])),
    },
  });
}

/** The request headers of one signed message (the id stays the same on every retry, as the spec asks). */
export async function webhookHeaders(key: Uint8Array, id: string, now: number, body: string): Promise<Record<string, string>> {
  const timestamp = Math.floor(now / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': await signStandardWebhook(key, id, timestamp, body),
  };
}
