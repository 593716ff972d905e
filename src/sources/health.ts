// A source's health from its Deliveries log: is it receiving, and if every recent delivery is refused, why.
// Pure: the log in, a verdict an operator can act on out (the overview and GET /admin/sources show it).
import { SOURCE_FAILING_AFTER } from './failing-streak';
import type { DeliveryEntry, RefusalRow } from './recent-deliveries';

/** The figures cover this much time (the overview's "last hour"). */
export const SOURCE_HEALTH_WINDOW_MS = 3_600_000;
/**
 * Refusals in a row (none accepted since) that make a source `failing`: one may be a stray request. The same count
 * as the `source.failing` notification, so the overview and the message agree.
 */
export const FAILING_AFTER = SOURCE_FAILING_AFTER;

export type SourceHealthState = 'ok' | 'failing' | 'idle';
export type RefusalCause = 'wrong-signature' | 'unset-secret' | 'refused-payload' | 'relay-error';

export interface SourceHealth {
  health: SourceHealthState;
  /** Why a failing source fails, from the latest refusal. */
  cause?: RefusalCause;
  /** What to do about it, in words. */
  advice?: string;
  accepted: number;
  refused: number;
  /** Refusals since the last accepted delivery (all within the window when none was accepted in it). */
  refusedInARow: number;
  lastAcceptedAt?: number;
  lastRefusal?: { at: number; status: number; message?: string };
}

const ADVICE: Record<RefusalCause, string> = {
  'wrong-signature':
    "the signature does not match any of the source's secrets: the secret pasted in the platform differs from the Worker secret, a proxy changed the body, or the platform's signing setting is off",
  'unset-secret': 'a secret or setting the source needs is not set: set it with `wrangler secret put` (the message names it)',
  'refused-payload':
    'the platform sends payloads the relay refuses (wrong content type or shape): see the message and docs/providers.md',
  'relay-error': 'the relay failed on these deliveries (the platform retries): see the message and the relay log',
};

/** What kind of refusal an answer is: 401/403 a signature, 500 with a setting a setup problem, 4xx the payload. */
export function refusalCause(status: number, message = ''): RefusalCause {
  if (status === 401 || status === 403) return 'wrong-signature';
  if (status >= 500) return /secret|setting|not set|misconfigured/i.test(message) ? 'unset-secret' : 'relay-error';
  return 'refused-payload';
}

const refusing = (r: RefusalRow) => r.outcome === 'rejected' || r.outcome === 'failed';

/** The health of one source over the window ending at `now`. */
export function sourceHealth(
  log: { deliveries: readonly DeliveryEntry[]; refusals: readonly RefusalRow[] },
  now: number,
  windowMs = SOURCE_HEALTH_WINDOW_MS,
): SourceHealth {
  const since = now - windowMs;
  const accepted = log.deliveries.filter((d) => d.at >= since && d.outcome !== 'failed');
  const failedVerified = log.deliveries.filter((d) => d.at >= since && d.outcome === 'failed');
  const refusals = log.refusals.filter((r) => refusing(r) && r.lastAt >= since);
  const lastAcceptedAt = log.deliveries.find((d) => d.outcome !== 'failed')?.at;
  // Verified deliveries that failed (a 503 the platform retries) count as refusals of the relay's making.
  const refusedRows = [
    ...refusals.map((r) => ({ at: r.lastAt, status: r.status, message: r.message, count: r.count, firstAt: r.firstAt })),
    ...failedVerified.map((d) => ({ at: d.at, status: d.status, message: d.message, count: 1, firstAt: d.at })),
  ].sort((a, b) => b.at - a.at);
  const refused = refusedRows.reduce((n, r) => n + r.count, 0);
  const refusedInARow = refusedRows
    .filter((r) => lastAcceptedAt === undefined || r.firstAt > lastAcceptedAt)
    .reduce((n, r) => n + r.count, 0);
  const last = refusedRows[0];
  const lastRefusal = last && { at: last.at, status: last.status, ...(last.message !== undefined && { message: last.message }) };
  const base = {
    accepted: accepted.length,
    refused,
    refusedInARow,
    ...(lastAcceptedAt !== undefined && { lastAcceptedAt }),
    ...(lastRefusal && { lastRefusal }),
  };
  if (last && refusedInARow >= FAILING_AFTER && (lastAcceptedAt === undefined || last.at > lastAcceptedAt)) {
    const cause = refusalCause(last.status, last.message);
    return { health: 'failing', cause, advice: ADVICE[cause], ...base };
  }
  return { health: accepted.length > 0 || refused > 0 ? 'ok' : 'idle', ...base };
}
