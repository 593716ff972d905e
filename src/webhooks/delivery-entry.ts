// What a webhook delivery was answered, and its line on the console's Deliveries page (pure).
import { operatorMessage, RelayError } from '../errors';
import type { Delivery } from '../providers/event';
import type { ContentEvent, Handshake } from '../providers/types';
import type { DeliveryEntry } from '../sources/recent-deliveries';

export interface Receipt {
  eventId: string;
  /** The editor's status link for the event (signed, expiring; docs/notifications.md). */
  statusUrl?: string;
  /** How many events (changed documents) the delivery carried. */
  events: number;
  paths: number;
  /** Cache tags queued (expanded to paths at send time); absent when none. */
  tags?: number;
  /**
   * Seconds until the event's paths are expected to be sent (their place in the queue, the rate windows);
   * null while a distribution is held (`held` says which). Absent when nothing was queued, and on a redelivery.
   */
  etaSeconds?: number | null;
  held?: string[];
  /** True when this delivery was handled before (a redelivery or a replay): nothing was queued again. */
  duplicate?: true;
  /** A platform's control message handled instead of events (`SNS subscription confirmed …`). */
  handshake?: string;
}

/** The answer to a platform's unsigned connectivity check (WooCommerce's ping): nothing verified, nothing queued. */
export type PingAnswer = { ping: true } & Record<string, unknown>;

/** The first event describes the delivery on its line (the count says how many it carried). */
function describe(event: ContentEvent | undefined): Partial<DeliveryEntry> {
  if (!event) return {};
  const { provider, action, topic, contentType, documentId, deliveryId } = event;
  return { provider, action, topic, contentType, documentId, deliveryId };
}

const base = (source: string, startedAt: number, event: ContentEvent | undefined) => ({
  at: startedAt,
  source,
  durationMs: Date.now() - startedAt,
  ...describe(event),
});

/** The entry of an accepted delivery or a redelivery, with the paths the rules refused for safety. */
export const answeredEntry = (
  delivery: Delivery,
  startedAt: number,
  receipt: Receipt,
  refused: readonly string[] = [],
): DeliveryEntry => ({
  ...base(delivery.source, startedAt, delivery.events[0]),
  provider: delivery.provider,
  status: receipt.duplicate ? 200 : 202,
  outcome: receipt.duplicate ? 'duplicate' : 'accepted',
  eventId: receipt.eventId,
  paths: receipt.paths,
  ...(receipt.events !== 1 && { events: receipt.events }),
  ...(refused.length > 0 && { refused: [...refused] }),
});

/** The entry of a platform's control message the relay answered itself (an SNS subscription confirmation). */
export const handshakeEntry = (
  source: string,
  provider: string,
  startedAt: number,
  handshake: Handshake,
  receipt: Receipt,
): DeliveryEntry => ({
  ...base(source, startedAt, undefined),
  provider,
  topic: handshake.topic,
  status: 200,
  outcome: 'accepted',
  message: handshake.message,
  eventId: receipt.eventId,
  paths: 0,
});

/** The entry of a delivery refused (4xx) or failed (5xx); `event` is set when it got as far as verified. */
export function refusedEntry(source: string, startedAt: number, event: ContentEvent | undefined, error: unknown): DeliveryEntry {
  const status = error instanceof RelayError ? error.status : 500;
  // Only the operator reads this entry: it keeps the internal detail (which secret is not set).
  const message = error instanceof RelayError ? operatorMessage(error) : 'internal error';
  return { ...base(source, startedAt, event), status, outcome: status >= 500 ? 'failed' : 'rejected', message };
}
