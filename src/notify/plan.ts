// The Notifier's decisions, pure: which destinations want an event, when a failed message is tried again, when the
// destination's rate allows the next one, and what a receiver's answer means.
import { SEVERITY, SEVERITY_RANK, subjectOf, type AnyEvent } from './events';
import type { Destination } from './schema';

const MINUTE_MS = 60_000;
/** A retry never waits longer than this. */
export const MAX_BACKOFF_MS = 3_600_000;

/** Whether a destination subscribes to an event: its type, its minimum severity, its filter. */
export function wants(destination: Destination, event: AnyEvent): boolean {
  if (event.type === 'test') return event.destination === destination.id;
  if (!destination.events.includes(event.type)) return false;
  if (SEVERITY_RANK[SEVERITY[event.type]] < SEVERITY_RANK[destination.minSeverity]) return false;
  const { sources, distributions, rules } = destination.filter;
  const subject = subjectOf(event);
  if (sources && (subject.source === undefined || !sources.includes(subject.source))) return false;
  if (distributions && (subject.distribution === undefined || !distributions.includes(subject.distribution))) return false;
  if (rules && !subject.rules.some((r) => rules.includes(r))) return false;
  return true;
}

/** Exponential backoff with jitter: base·2^(n-1), between half and all of it, at most an hour. */
export function backoffMs(attempt: number, baseMs: number, random: number): number {
  const full = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (full / 2) * random);
}

/** When the destination may send next: now, or when the oldest attempt of the last minute leaves the window. */
export function nextSlot(times: readonly number[], perMinute: number, now: number): number {
  const recent = times.filter((t) => t > now - MINUTE_MS);
  if (recent.length < perMinute) return now;
  return recent[recent.length - perMinute]! + MINUTE_MS;
}

export type AnswerMeaning = 'sent' | 'retry' | 'failed';

/** 2xx: sent. 408, 425, 429, 5xx, no answer: try again. Any other 4xx: the receiver refuses it; retrying will not help. */
export function meaning(status: number): AnswerMeaning {
  if (status >= 200 && status < 300) return 'sent';
  if (status === 0 || status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  return 'failed';
}
