// One distribution's scheduler as GET /admin/status shows it: backlog, tokens, health, last hour, escalations.
import type { CallKind, DistributionConfig } from '../rules/schema';
import type { SchedulerState } from './outcome';
import { KIND_ORDER, windowState } from './planner';
import type { QueueStore } from './queue-store';
import type { FreshnessStatus } from './freshness/stats';

const HOUR_MS = 3_600_000;
const iso = (at: number | null | undefined) => (at ? new Date(at).toISOString() : undefined);

export function describeStatus(
  store: QueueStore,
  state: SchedulerState,
  config: DistributionConfig,
  alarm: number | null,
  now: number,
  freshness?: FreshnessStatus,
) {
  const counts = store.counts();
  const lastHour = store.callLog.since(now - HOUR_MS);
  const oldest = counts.length > 0 ? Math.min(...counts.map((c) => c.oldest)) : undefined;
  const byStatus: Record<string, number> = {};
  for (const call of lastHour) byStatus[call.status] = (byStatus[call.status] ?? 0) + 1;
  const escalations = store.escalations(10).map((e) => ({ ...e, at: iso(e.at) }));
  const kinds = (f: (kind: CallKind) => number) =>
    Object.fromEntries(KIND_ORDER.map((k) => [k, f(k)])) as Record<CallKind, number>;
  return {
    health: state.health,
    pending: kinds((k) => counts.find((c) => c.kind === k)?.pending ?? 0),
    /** URL paths folded into a queued pattern (counted in pending.url too). */
    folded: counts.find((c) => c.kind === 'url')?.folded ?? 0,
    oldestPendingAgeMs: oldest === undefined ? undefined : now - oldest,
    targetStalenessMs: config.targetStalenessMs,
    nextSendAt: iso(alarm),
    nextProbeAt: state.health === 'unauthorized' || state.health === 'refused' ? iso(state.probeAt) : undefined,
    /** While refused: the refusal every call met (Gotipath's message), the kind, since when. */
    hold: state.health === 'refused' && state.hold ? { ...state.hold, at: iso(state.hold.at) } : undefined,
    /** Paths Gotipath refused alone, kept queued until a call without them is accepted (then dead letters). */
    unconfirmed: Object.values(state.refusals ?? {}).reduce((n, r) => n + r.alone.length, 0),
    tokens: kinds((k) => windowState(store.callLog.since(now - config.limits.windowMs), k, config.limits, now).available),
    blockedUntil: Object.fromEntries(
      Object.entries(state.blockedUntil)
        .filter(([, at]) => at! > now)
        .map(([k, at]) => [k, iso(at)]),
    ),
    lastError: state.lastError && { ...state.lastError, at: iso(state.lastError.at) },
    lastHour: {
      calls: lastHour.length,
      paths: lastHour.reduce((n, c) => n + c.paths, 0),
      byStatus,
      escalations: escalations.filter((e) => Date.parse(e.at!) > now - HOUR_MS).length,
    },
    escalations,
    deadLetters: store.deadLetters().length,
    /** Verification at the edge over the last hour (freshness/stats.ts); absent where no checks are kept. */
    freshness,
  };
}

export type SchedulerStatus = ReturnType<typeof describeStatus>;
