// The receipt's status link for editors, and the change noted for the Notifier (its title and type, for messages and
// the status page). Neither may fail the webhook: without a usable secret the receipt simply has no link.
import { log } from '../lib/log';
import { titleOf, type ChangeNote } from '../notify/change';
import { notifyFor } from '../notify/client';
import { statusLinkKey, statusPath } from '../notify/status-link';
import type { Delivery } from '../providers/event';
import type { RelayConfig } from '../rules/schema';
import type { Receipt } from './delivery-entry';

/** What the Notifier keeps of a delivery: its first event in the editor's words. */
export function changeNote(delivery: Delivery, receipt: Receipt): ChangeNote {
  const first = delivery.events[0];
  const title = first && titleOf(first.fields);
  return {
    eventId: receipt.eventId,
    source: delivery.source,
    action: first?.action ?? 'update',
    at: Date.now(),
    ...(title && { title }),
    ...(first?.contentType && { contentType: first.contentType }),
    ...(first?.documentId && { documentId: first.documentId }),
    paths: receipt.paths,
  };
}

/** The receipt with `statusUrl`; a first delivery is also noted for the Notifier (fire-and-forget). */
export async function withStatus(
  env: Env,
  config: RelayConfig,
  request: Request,
  delivery: Delivery,
  receipt: Receipt,
): Promise<Receipt> {
  const origin = (config.notifications.baseUrl ?? new URL(request.url).origin).replace(/\/+$/, '');
  if (!receipt.duplicate) notifyFor(env).note(changeNote(delivery, receipt), new URL(request.url).origin);
  try {
    const path = await statusPath(await statusLinkKey(env), receipt.eventId, config.notifications.statusLinkDays, Date.now());
    return { ...receipt, statusUrl: `${origin}${path}` };
  } catch (error) {
    log('warn', 'no status link: neither STATUS_LINK_SECRET nor ADMIN_TOKEN is usable', { error: String(error) });
    return receipt;
  }
}
