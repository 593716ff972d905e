// What a webhook delivery was answered, and its line on the console's Deliveries page (pure).
import { RelayError } from '../errors';
import type { ContentEvent, Handshake } from '../providers/types';
import type { DeliveryEntry } from '../sources/recent-deliveries';

export interface Receipt {
  eventId: string;
  paths: number;
  /** Cache tags queued (expanded to paths at send time); absent when none. */
  tags?: number;
  /** True when this delivery id was handled before: nothing was queued again. */
  duplicate?: true;
  /** A platform's control message handled instead of an event (`SNS subscription confirmed …`). */
  handshake?: string;
}

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

/** The entry of an accepted delivery or a redelivery. */
export const answeredEntry = (event: ContentEvent, startedAt: number, receipt: Receipt): DeliveryEntry => ({
  ...base(event.source, startedAt, event),
  status: receipt.duplicate ? 200 : 202,
  outcome: receipt.duplicate ? 'duplicate' : 'accepted',
  eventId: receipt.eventId,
  paths: receipt.paths,
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
  const message = error instanceof RelayError ? error.message : 'internal error';
  return { ...base(source, startedAt, event), status, outcome: status >= 500 ? 'failed' : 'rejected', message };
}
