// The links a message carries: the console page that shows the matter, and for a change its editor's status link.
import type { AnyEvent } from './events';
import type { Link } from './slack';
import { statusPath } from './status-link';

const CONSOLE_PAGE: Record<AnyEvent['type'], string> = {
  'event.live': '/admin/ui/events/',
  'event.stuck': '/admin/ui/events/',
  'distribution.held': '/admin/ui',
  'distribution.resumed': '/admin/ui',
  'dead_letter.added': '/admin/ui/dead-letters',
  escalation: '/admin/ui',
  'staleness.missed': '/admin/ui',
  'source.failing': '/admin/ui/deliveries',
  test: '/admin/ui/notifications',
};

/** The links for a group of events under `base` (none without one); a status link only when its key can be made. */
export async function linksFor(
  events: readonly AnyEvent[],
  base: string | undefined,
  key: () => Promise<Uint8Array>,
  days: number,
  now: number,
): Promise<Link[]> {
  if (!base) return [];
  const first = events[0]!;
  const eventId = 'eventId' in first ? first.eventId : undefined;
  const page = CONSOLE_PAGE[first.type];
  const links: Link[] = [];
  if (eventId) {
    try {
      links.push({ label: 'Status page', url: `${base}${await statusPath(await key(), eventId, days, now)}` });
    } catch {
      // No usable secret for status links: the message goes without one.
    }
    links.push({ label: 'Console', url: `${base}${page}${encodeURIComponent(eventId)}` });
  } else links.push({ label: 'Console', url: `${base}${page}` });
  return links;
}
