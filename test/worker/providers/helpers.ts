// Helpers for the per-provider test files: a signed delivery's event, and the key server's fetch counts.
import { env } from 'cloudflare:workers';
import { admin, postWebhook } from '../support/helpers';
import { caseFor, delivery } from '../support/provider-cases';
import type { NormalizedEvent } from '../../../src/providers/types';

/** The provider's part of a ContentEvent, as the preview answers it. */
export type PreviewedEvent = NormalizedEvent;

/** The ContentEvent the relay makes of `body` for a source (through POST /admin/preview). */
export async function previewEvent(
  sourceId: string,
  body: string,
  headers: Record<string, string> = caseFor(sourceId).headers,
): Promise<PreviewedEvent> {
  const response = await admin('/preview', { method: 'POST', body: JSON.stringify({ source: sourceId, headers, body }) });
  if (response.status !== 200) throw new Error(`preview failed: ${await response.text()}`);
  return (await response.json<{ event: PreviewedEvent }>()).event;
}

/** Posts `body` to a source, signed as its case signs (the source id names the case unless `as` does). */
export async function postSigned(
  sourceId: string,
  body?: string,
  options: { key?: string; age?: number; as?: string } = {},
): Promise<Response> {
  const signed = await delivery(caseFor(options.as ?? sourceId), { ...options, ...(body === undefined ? {} : { body }) });
  return postWebhook(sourceId, signed.body, signed.headers);
}

/** How often the key server has served each path (with its query) so far. */
export async function keyFetches(): Promise<Record<string, number>> {
  return (await fetch(`${env.KEYS_URL}/__counts`)).json();
}

export const errorOf = async (response: Response): Promise<string> => (await response.json<{ error: string }>()).error;
