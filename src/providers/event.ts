// Turns a verified request into a ContentEvent through its provider (shared by webhooks and preview).
import type { SourceConfig } from '../rules/schema';
import { newId } from '../lib/log';
import type { ContentEvent, WebhookProvider, WebhookRequest } from './types';

/** The provider's options for a source; they were validated when the config was saved. */
export function sourceOptions(provider: WebhookProvider, source: SourceConfig): Record<string, unknown> {
  const parsed = provider.options.safeParse(source.options);
  return parsed.success ? (parsed.data as Record<string, unknown>) : {};
}

export function toleranceMs(provider: WebhookProvider, source: SourceConfig): number {
  if (source.toleranceSeconds !== undefined) return source.toleranceSeconds * 1000;
  return provider.defaultToleranceMs ?? Number.POSITIVE_INFINITY;
}

export function createEvent(
  provider: WebhookProvider,
  sourceId: string,
  source: SourceConfig,
  request: WebhookRequest,
  payload: unknown,
  now = Date.now(),
): ContentEvent {
  const normalized = provider.normalize(request, payload, sourceOptions(provider, source));
  return { eventId: newId('evt'), source: sourceId, provider: provider.name, receivedAt: now, ...normalized };
}
