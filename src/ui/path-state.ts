// Where one path of an event stands, from its ledger steps: the coloured status of the event page, and when it was
// sent and went live, as offsets from the webhook ("+2.1 s"). Pure.
import type { LedgerEntry } from '../purge/ledger';

export type PathState = 'queued' | 'sent' | 'live' | 'gone' | 'stale' | 'stuck' | 'failed' | 'dead-lettered' | 'dropped';

export interface PathStanding {
  state: PathState;
  /** Why, in a few words (the last step's detail or Gotipath's status). */
  note?: string;
  /** First accepted call (or the pattern/purge-all that covered it). */
  sentAt?: number;
  liveAt?: number;
}

const accepted = (s: LedgerEntry) => s.step === 'call' && s.status !== undefined && s.status >= 200 && s.status < 300;

/** The state a path's steps (oldest first) end in; `liveAt` from its first fresh (or gone) check. */
export function pathStanding(steps: readonly LedgerEntry[], live: { liveAt?: number; verdict?: string }): PathStanding {
  const sentAt = steps.find((s) => accepted(s) || s.step === 'covered')?.at;
  const base = { ...(sentAt !== undefined && { sentAt }) };
  const last = steps.at(-1);
  if (!last) return { state: 'queued', ...base };
  if (last.step === 'dead') return { state: 'dead-lettered', ...base, note: `${last.status ?? ''} ${last.detail ?? ''}`.trim() };
  if (last.step === 'dropped') return { state: 'dropped', ...base };
  if (last.step === 'stuck') return { state: 'stuck', ...base, note: 'still stale after its re-purges' };
  if (live.liveAt !== undefined) return { state: live.verdict === 'gone' ? 'gone' : 'live', ...base, liveAt: live.liveAt };
  if (last.step === 'checked' && last.detail === 'stale')
    return { state: 'stale', ...base, note: 'the edge still serves the old version' };
  if (last.step === 'repurged') return { state: 'queued', ...base, note: 'purged again: the edge served the old version' };
  if (last.step === 'call' && !accepted(last))
    return {
      state: 'failed',
      ...base,
      note: `attempt ${last.attempt ?? 1}: ${last.status || 'no answer'}${last.detail ? ` ${last.detail}` : ''}; retried`,
    };
  if (sentAt !== undefined) return { state: 'sent', ...base };
  return { state: 'queued', ...base, ...(last.step === 'folded' && { note: `folded into ${last.detail ?? 'a pattern'}` }) };
}

/** "+2.1 s" from the webhook (the event's first queued step), or "" when the time is unknown. */
export function offset(at: number | undefined, start: number): string {
  if (at === undefined) return '';
  const ms = Math.max(0, at - start);
  return ms < 60_000 ? `+${(ms / 1000).toFixed(1)} s` : `+${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
