// Turns a verified request into a ContentEvent through its provider (shared by webhooks and preview).
import { newId } from '../lib/log';
import { readSecrets } from '../settings';
import { parseJsonBody } from './support';
import type { ContentEvent, SourceSettings, WebhookProvider, WebhookRequest } from './types';

// Parsed options per source object: a loaded config is kept per isolate and version, so each source is
// parsed once (not twice a webhook); entries go with the config they belong to.
const parsedOptions = new WeakMap<SourceSettings, Record<string, unknown>>();

/** The provider's options for a source; they were validated when the config was saved. */
export function sourceOptions(provider: WebhookProvider, source: SourceSettings): Record<string, unknown> {
  let options = parsedOptions.get(source);
  if (!options) {
    const parsed = provider.options.safeParse(source.options);
    options = parsed.success ? (parsed.data as Record<string, unknown>) : {};
    parsedOptions.set(source, options);
  }
  return options;
}

export function toleranceMs(provider: WebhookProvider, source: SourceSettings): number {
  if (source.toleranceSeconds !== undefined) return source.toleranceSeconds * 1000;
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

/** Verifies a webhook with its source's provider (401/400 when it fails), then normalizes it into a ContentEvent. */
export async function verifiedEvent(
  env: Env,
  provider: WebhookProvider,
  sourceId: string,
  source: SourceSettings,
  request: WebhookRequest,
  now = Date.now(),
): Promise<ContentEvent> {
  await provider.verify(request, {
    secrets: readSecrets(env, source.secrets, sourceId),
    options: sourceOptions(provider, source),
    toleranceMs: toleranceMs(provider, source),
    now,
  });
  return createEvent(provider, sourceId, source, request, parseJsonBody(request.body), now);
}
