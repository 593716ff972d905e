// What the relay tells its destinations: one event type per thing worth pushing, its severity, and the keys
// that de-duplicate and group them. Pure.
import type { EventType, Severity } from './schema';

interface Base {
  /** When it happened (ms). */
  at: number;
}

export type NotifyEvent = Base &
  (
    | { type: 'event.live'; eventId: string; distribution: string; pages: number; seconds: number; rules?: string[] }
    | { type: 'event.stuck'; eventId: string; distribution: string; paths: string[]; rules?: string[] }
    | {
        type: 'distribution.held';
        distribution: string;
        reason: 'unauthorized' | 'refused';
        status: number;
        message: string;
        since: number;
      }
    | { type: 'distribution.resumed'; distribution: string; heldSince?: number; pending: number }
    | {
        type: 'dead_letter.added';
        distribution: string;
        kind: string;
        path: string;
        status: number;
        message: string;
        eventId?: string;
        rule?: string;
      }
    | { type: 'escalation'; distribution: string; action: string; reason: string; paths: number; patterns: string[] }
    | { type: 'staleness.missed'; distribution: string; paths: number; oldestMs: number; targetMs: number }
    | { type: 'source.failing'; source: string; count: number; status: number; message: string; since: number }
  );

/** A message to one destination on its own (the console's and the CLI's "send a test"). */
export type TestEvent = Base & { type: 'test'; destination: string };
export type AnyEvent = NotifyEvent | TestEvent;
export type AnyType = AnyEvent['type'];

export const SEVERITY: Record<AnyType, Severity> = {
  'event.live': 'info',
  'event.stuck': 'warning',
  'distribution.held': 'critical',
  'distribution.resumed': 'info',
  'dead_letter.added': 'warning',
  escalation: 'warning',
  'staleness.missed': 'warning',
  'source.failing': 'critical',
  test: 'info',
};

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** What the event is about, for a destination's filter. */
export function subjectOf(e: AnyEvent): { source?: string; distribution?: string; rules: string[] } {
  if (e.type === 'test') return { rules: [] };
  if (e.type === 'source.failing') return { source: e.source, rules: [] };
  const rules = 'rules' in e ? (e.rules ?? []) : 'rule' in e && e.rule ? [e.rule] : [];
  return { distribution: e.distribution, rules };
}

/**
 * The same key twice is one event (posted again by a retried pass, say): a hold by its start, a dead letter by its
 * path and time, an event's verdict by its id.
 */
export function dedupeKey(e: AnyEvent): string {
  switch (e.type) {
    case 'event.live':
    case 'event.stuck':
      return `${e.type}:${e.distribution}:${e.eventId}`;
    case 'distribution.held':
      return `${e.type}:${e.distribution}:${e.since}`;
    case 'distribution.resumed':
      return `${e.type}:${e.distribution}:${e.heldSince ?? e.at}`;
    case 'dead_letter.added':
      return `${e.type}:${e.distribution}:${e.kind}:${e.path}:${e.at}`;
    case 'source.failing':
      return `${e.type}:${e.source}:${e.since}`;
    case 'test':
      return `test:${e.destination}:${e.at}`;
    default:
      return `${e.type}:${e.distribution}:${e.at}`;
  }
}

/** Events with one group key that arrive within a destination's window go out as one message. */
export function groupKey(e: AnyEvent): string {
  if (e.type === 'test') return `test:${e.at}`;
  // A hold and its end are never folded together: each is its own message, in order.
  if (e.type === 'distribution.held' || e.type === 'distribution.resumed') return `${e.type}:${e.distribution}:${e.at}`;
  const { source, distribution } = subjectOf(e);
  return `${e.type}:${distribution ?? source ?? ''}`;
}

export const isEventType = (type: string): type is EventType => type !== 'test';
