// The event journey with, per path, when it went live (its first fresh check) and the time from the webhook
// (the event's first queued row) to live. Pure.
import type { PathJourney } from '../purge/ledger';
import type { LiveTime } from '../purge/live-times';

export type LiveJourney = PathJourney & { liveAt?: number; toLiveMs?: number; verdict?: 'fresh' | 'gone' };

export function withLive(paths: readonly PathJourney[], live: readonly LiveTime[]): LiveJourney[] {
  const start = Math.min(...live.map((l) => l.queuedAt));
  const byPath = new Map(live.map((l) => [`${l.kind} ${l.path}`, l]));
  return paths.map((p) => {
    const l = byPath.get(`${p.kind} ${p.path}`);
    if (l?.liveAt === undefined) return p;
    return { ...p, liveAt: l.liveAt, toLiveMs: l.liveAt - start, verdict: l.verdict };
  });
}
