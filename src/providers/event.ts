// Turns a verified request into a Delivery of ContentEvents through its provider (shared by webhooks and preview).
import { RelayError } from '../errors';
import { newId } from '../lib/log';
import { readSecrets } from '../settings';
import { deliveryKey, shownDeliveryId } from './identity';
import { parseJsonBody } from './support';
import type { ContentEvent, Handshake, SourceSettings, WebhookProvider, WebhookRequest } from './types';

/** Most changes one delivery may carry (documents in a batch); past it the delivery is refused with 422. */
export const MAX_EVENTS_PER_DELIVERY = 500;

/** One webhook delivery as the relay understands it. */
export interface Delivery {
  /** The delivery's id in the relay: every path it queues is journaled under it (`GET /admin/events/{id}`). */
  eventId: string;
  source: string;
  provider: string;
  /** One event per changed document, in the platform's order (none when the delivery changes nothing). */
  events: ContentEvent[];
  /** The de-duplication key (providers/identity.ts); undefined when nothing identifies the delivery. */
  key?: string;
}

// Parsed options per source object: a loaded config is kept per isolate and version, so each source is
// parsed once (not twice a webhook); entries go with the config they belong to.
const parsedOptions = new WeakMap<SourceSettings, Record<string, unknown>>();

/** The provider's options for a source; they were validated when the config was saved. */
export function sourceOptions(provider: WebhookProvider, source: SourceSettings): Record<string, unknown> {
  let options = parsedOptions.get(source);
  if (!options) {
    const parsed = provider.options.safeParse(own(source, 'options'));
    options = withoutPrototypes(parsed.success ? parsed.data : {}) as Record<string, unknown>;
    parsedOptions.set(source, options);
  }
  return options;
}

/** A setting of the source itself, never one inherited from a prototype (SECURITY.md, F2). */
const own = <K extends keyof SourceSettings>(source: SourceSettings, key: K): SourceSettings[K] | undefined =>
  Object.hasOwn(source, key) ? source[key] : undefined;

/**
 * A copy of parsed options whose objects have no prototype: a provider reading an optional option it was
 * not given (`options.jwksUrl`) gets undefined, whatever was ever added to Object.prototype. Options are
 * small config values (a few levels at most).
 */
function withoutPrototypes(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutPrototypes(v, depth + 1));
  if (typeof value !== 'object' || value === null || depth > 8) return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, v] of Object.entries(value)) out[key] = withoutPrototypes(v, depth + 1);
  return out;
}

export function toleranceMs(provider: WebhookProvider, source: SourceSettings): number {
  const seconds = own(source, 'toleranceSeconds');
  if (seconds !== undefined) return seconds * 1000;
  return provider.defaultToleranceMs ?? Number.POSITIVE_INFINITY;
}

/** The delivery's events, sharing one event id; 422 when it carries more than MAX_EVENTS_PER_DELIVERY. */
export function createEvents(
  provider: WebhookProvider,
  sourceId: string,
  source: SourceSettings,
  request: WebhookRequest,
  payload: unknown,
  now = Date.now(),
): Delivery {
  const normalized = provider.normalize(request, payload, sourceOptions(provider, source));
  if (normalized.length > MAX_EVENTS_PER_DELIVERY) {
    throw new RelayError(
      422,
      `the delivery carries ${normalized.length} changes; at most ${MAX_EVENTS_PER_DELIVERY} are handled per delivery ` +
        '(nothing was queued): send smaller batches, or purge the pages with POST /admin/purge',
    );
  }
  const eventId = newId('evt');
  const events = normalized.map((e): ContentEvent => ({
    eventId,
    source: sourceId,
    provider: provider.name,
    receivedAt: now,
    ...e,
    deliveryId: shownDeliveryId(e.deliveryId),
  }));
  return { eventId, source: sourceId, provider: provider.name, events };
}

/**
 * Verifies a webhook with its source's provider (401/400 when it fails), then reads it into a Delivery;
 * or, for a platform's control message (an SNS subscription confirmation), its handshake.
 */
export async function verifiedDelivery(
  env: Env,
  provider: WebhookProvider,
  sourceId: string,
  source: SourceSettings,
  request: WebhookRequest,
  now = Date.now(),
): Promise<Delivery | { handshake: Handshake }> {
  const options = sourceOptions(provider, source);
  await provider.verify(request, {
    source: sourceId,
    secrets: readSecrets(env, source.secrets, sourceId),
    options,
    toleranceMs: toleranceMs(provider, source),
    now,
  });
  const handshake = await provider.handshake?.(request, options);
  if (handshake) return { handshake };
  const payload = parseJsonBody(request.body);
  const delivery = createEvents(provider, sourceId, source, request, payload, now);
  const identity = provider.identify(request, payload, options);
  return identity ? { ...delivery, key: await deliveryKey(identity) } : delivery;
}
