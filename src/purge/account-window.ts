// The account's general limit as the limiter counts it (pure): a call holds a slot from the moment it is granted
// until one window after its answer came back. Its answer is never earlier than Gotipath counted it, so no window
// of Gotipath's ever holds more calls than the limit, whatever the network delays.

export interface AccountLimit {
  calls: number;
  windowMs: number;
}

export interface Slot {
  id: number;
  grantedAt: number;
  /** When its answer came back; null while the call is in flight. */
  endedAt: number | null;
  /** A call never released (its scheduler died) is taken as ended here. */
  holdUntil: number;
}

/** When a slot stops counting: one window after its end, or after its hold while it is in flight. */
const freeAt = (slot: Slot, windowMs: number) => (slot.endedAt ?? slot.holdUntil) + windowMs;

/** The slots that still count at `now` (the rest may be forgotten). */
export function liveSlots(slots: readonly Slot[], limit: AccountLimit, now: number): Slot[] {
  return slots.filter((s) => freeAt(s, limit.windowMs) > now);
}

/**
 * When a new call may start: `now` when fewer than `calls` slots count; otherwise the earliest moment enough
 * ended calls leave the window, or undefined when that depends on calls still in flight (their release tells).
 */
export function nextStart(slots: readonly Slot[], limit: AccountLimit, now: number): number | undefined {
  const live = liveSlots(slots, limit, now);
  if (live.length < limit.calls) return now;
  const leaving = live
    .filter((s) => s.endedAt !== null)
    .map((s) => freeAt(s, limit.windowMs))
    .sort((a, b) => a - b);
  return leaving[live.length - limit.calls];
}
