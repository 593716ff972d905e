// One sentence per notification, in the words of the content and the CDN, not of HTTP. Pure; `bold` marks names
// (Slack mrkdwn `*x*`, plain text for the webhook's `text`).
import { changeWords, type ChangeNote } from './change';
import type { AnyEvent } from './events';

export interface Wording {
  bold: (s: string) => string;
  /** The change behind an event id, when the relay remembers it. */
  change: (eventId: string) => ChangeNote | undefined;
}

const SAMPLES = 3;

/** "19 s", "7 min", "2 h". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : s < 7_200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3_600)} h`;
}

/** "10:42" (UTC): when something began. */
export const clock = (at: number) => `${new Date(at).toISOString().slice(11, 16)} UTC`;

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
const quoted = (message: string) => (message ? ` "${message.length > 120 ? `${message.slice(0, 119)}…` : message}"` : '');
const list = (items: readonly string[], total: number) =>
  `${items.slice(0, SAMPLES).join(', ')}${total > SAMPLES ? ` and ${total - SAMPLES} more` : ''}`;

/**
 * The sentence for a group of events of one type (one event, or a burst folded into one message); `count`: how many
 * the group holds in all, when only the first are listed.
 */
export function sentence(events: readonly AnyEvent[], w: Wording, count = events.length): string {
  const e = events[0]!;
  const n = count;
  const b = w.bold;
  switch (e.type) {
    case 'event.live': {
      const pages = events.reduce((sum, x) => sum + (x.type === 'event.live' ? x.pages : 0), 0);
      const seconds = Math.max(...events.map((x) => (x.type === 'event.live' ? x.seconds : 0)));
      const change = changeWords(w.change(e.eventId), b);
      return `${change} is live: ${plural(pages, 'page')} refreshed and verified in ${duration(seconds * 1000)}`;
    }
    case 'event.stuck': {
      const paths = events.flatMap((x) => (x.type === 'event.stuck' ? x.paths : []));
      return `${changeWords(w.change(e.eventId), b)} is still stale on ${plural(paths.length, 'page')} after re-purging: ${list(paths, paths.length)}`;
    }
    case 'distribution.held':
      return e.reason === 'unauthorized'
        ? `Purges for ${b(e.distribution)} are on hold: Gotipath answers ${e.status} since ${clock(e.since)}; fix the API key and resume`
        : `Purges for ${b(e.distribution)} are on hold: Gotipath refuses every call (${e.status}${quoted(e.message)}) since ${clock(e.since)}; check the purge settings and resume`;
    case 'distribution.resumed':
      return `Purges for ${b(e.distribution)} resumed${e.heldSince ? ` after ${duration(e.at - e.heldSince)} on hold` : ''}; ${plural(e.pending, 'page')} waiting are being sent`;
    case 'dead_letter.added': {
      const paths = events.flatMap((x) => (x.type === 'dead_letter.added' ? [x.path || '(all)'] : []));
      const why = `${e.status}${quoted(e.message)}`;
      return n === 1
        ? `${b(e.distribution)}: Gotipath refused ${e.path || 'a purge-all'} (${why}); it is set aside as a dead letter: retry or drop it in the console`
        : `${b(e.distribution)}: Gotipath refused ${plural(n, 'page')} (${list(paths, n)}; first ${why}); they are set aside as dead letters: retry or drop them in the console`;
    }
    case 'escalation': {
      const last = events[n - 1]!;
      if (last.type !== 'escalation') return '';
      return last.action === 'all'
        ? `${b(last.distribution)} fell behind its staleness target: purging everything (${plural(last.paths, 'page')} waiting)`
        : `${b(last.distribution)} fell behind its staleness target: ${plural(last.paths, 'page')} folded into ${plural(last.patterns.length, 'pattern')} (${list(last.patterns, last.patterns.length)})`;
    }
    case 'staleness.missed': {
      const last = events[n - 1]!;
      if (last.type !== 'staleness.missed') return '';
      return `${b(last.distribution)}: ${plural(last.paths, 'page')} waited longer than the ${duration(last.targetMs)} target (the oldest ${duration(last.oldestMs)})`;
    }
    case 'source.failing': {
      const last = events[n - 1]!;
      if (last.type !== 'source.failing') return '';
      return `Webhooks from ${b(last.source)} are refused: ${last.count} in a row since ${clock(last.since)} (${last.status}${quoted(last.message)}); check the source's secret in the CMS and in the relay`;
    }
    case 'test':
      return `Test message from purge-relay to ${b(e.destination)}: notifications reach this destination`;
  }
}
