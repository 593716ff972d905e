// Turns a verified request into a ContentEvent through its provider (shared by webhooks and preview).
import { newId } from '../lib/log';
import { readSecrets } from '../settings';
import { parseJsonBody } from './support';
import type { ContentEvent, Handshake, SourceSettings, WebhookProvider, WebhookRequest } from './types';

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

export function createEvent(
  provider: WebhookProvider,
  sourceId: string,
  source: SourceSettings,
  request: WebhookRequest,
  payload: unknown,
  now = Date.now(),
): ContentEvent {
  const normalized = provider.normalize(request, payload, sourceOptions(provider, source));
  return { eventId: newId('evt'), source: sourceId, provider: provider.name, receivedAt: now, ...normalized };
}

/**
 * Verifies a webhook with its source's provider (401/400 when it fails), then normalizes it into a
 * ContentEvent; or, for a platform's control message (SNS subscription confirmation), its handshake.
 */
export async function verifiedEvent(
  env: Env,
  provider: WebhookProvider,
  sourceId: string,
  source: SourceSettings,
  request: WebhookRequest,
  now = Date.now(),
): Promise<ContentEvent | { handshake: Handshake }> {
  await provider.verify(request, {
    source: sourceId,
    secrets: readSecrets(env, source.secrets, sourceId),
    options: sourceOptions(provider, source),
    toleranceMs: toleranceMs(provider, source),
    now,
  });
  const handshake = await provider.handshake?.(request, sourceOptions(provider, source));
  if (handshake) return { handshake };
  return createEvent(provider, sourceId, source, request, parseJsonBody(request.body), now);
}
