// A held distribution sends nothing but its probe: while unauthorized, a credential check (GET the distribution);
// while refused, the one path the hold began with, sent again when due. A success lifts the hold.
import { log } from '../lib/log';
import { resumeState } from './outcome';
import { windowState, type Batch } from './planner';
import { parkedPaths } from './refusal';
import { inSlot, send, type FlushOptions } from './send';

/** While unauthorized: checks the credentials (GET the distribution) when due; true once they work again. */
export async function probeCredentials(o: FlushOptions): Promise<boolean> {
  const clock = o.now ?? Date.now;
  if (clock() < (o.state.probeAt ?? 0)) return false;
  const made = await inSlot(o.gate, () => o.client.getDistribution(o.distributionId));
  const outcome = made?.value;
  if (outcome?.ok) {
    resumeState(o.state);
    log('info', 'credentials work again; queue resumed', { distributionId: o.distributionId });
    return true;
  }
  if (outcome) o.state.lastError = { at: clock(), kind: 'probe', status: outcome.status, message: outcome.message };
  // No slot in the account's window: look again in a second rather than a probe interval.
  o.state.probeAt = clock() + (outcome ? o.config.retry.authProbeMs : 1_000);
  return false;
}

/** The path a refusal probe resends: one refused alone, or any queued path of the held kind. */
function probeBatch(o: FlushOptions): Batch | undefined {
  const kind = o.state.hold?.kind ?? 'url';
  const queued = o.store.queued(1, o.config.limits.windowMs).filter((q) => q.kind === kind);
  const refused = parkedPaths(o.state)[kind]?.paths ?? [];
  const path = refused.find((p) => o.store.isQueued(kind, p)) ?? queued[0]?.path;
  return path === undefined ? undefined : { kind, paths: [path] };
}

/**
 * While refused: resends one path when the probe is due (it spends a call of its kind, within the limits).
 * Returns true once a call is accepted (the hold is lifted), otherwise when to look again.
 */
export async function probeRefusal(o: FlushOptions): Promise<true | number> {
  const now = (o.now ?? Date.now)();
  const due = Math.max(o.state.probeAt ?? 0, o.state.blockedUntil[o.state.hold?.kind ?? 'url'] ?? 0);
  if (now < due) return due;
  const batch = probeBatch(o);
  if (!batch) return (resumeState(o.state), true);
  const slot = windowState(o.store.callLog.since(now - o.config.limits.windowMs), batch.kind, o.config.limits, now);
  if (slot.available === 0) return slot.nextSlotAt;
  await send(o, batch);
  o.store.setMeta('state', o.state);
  if (o.state.health !== 'refused') {
    log('info', 'Gotipath accepts calls again; queue resumed', { distributionId: o.distributionId });
    return true;
  }
  return o.state.probeAt ?? now;
}
