// Origin work decided without I/O: retries of a failing step, the failure policy, the gate's verdict and its polls.
import type { OriginConfig } from '../../rules/origin-schema';
import type { Seen } from '../freshness/probe';

/** A page's version at the origin as the relay last saw it (what the gate compares with). */
export interface OriginVersion {
  status: number;
  etag?: string;
  lastModified?: string;
  digest?: string;
}

/** What happens to a job whose step just failed. */
export type AfterFailure = { action: 'retry'; at: number } | { action: 'purge' } | { action: 'dead' };

/** Waits after the n-th failure (1-based): baseMs doubling up to maxMs. */
export const backoffMs = (failures: number, retry: OriginConfig['retry']): number =>
  Math.min(retry.maxMs, retry.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));

/**
 * A failing step is retried with backoff while the job is younger than `maxHoldMs`; past it the policy decides:
 * `purge` sends the CDN purge anyway, `hold` keeps the paths as a dead letter (retried or dropped by an admin).
 */
export function afterFailure(origin: OriginConfig, createdAt: number, failures: number, now: number): AfterFailure {
  const bound = createdAt + origin.maxHoldMs;
  if (now >= bound) return { action: origin.onFailure === 'purge' ? 'purge' : 'dead' };
  return { action: 'retry', at: Math.min(now + backoffMs(failures, origin.retry), bound) };
}

export type GateVerdict =
  | { release: true; reason: 'new-version' | 'marker' | 'removed' | 'nothing-to-compare' }
  | { release: false; reason: 'same-version' | 'marker-missing' | 'origin-error' };

/** The version parts of an answer (an error or no answer has none). */
export const versionOf = (seen: Seen): OriginVersion | undefined =>
  seen.status === 0 || seen.error !== undefined
    ? undefined
    : {
        status: seen.status,
        ...(seen.etag !== undefined && { etag: seen.etag }),
        ...(seen.lastModified !== undefined && { lastModified: seen.lastModified }),
        ...(seen.digest !== undefined && { digest: seen.digest }),
      };

/** Whether two versions differ: the status, then the strongest validator both carry (ETag, Last-Modified, digest). */
export function differs(a: OriginVersion, b: OriginVersion): boolean {
  if (a.status !== b.status) return true;
  if (a.etag !== undefined && b.etag !== undefined) return a.etag !== b.etag;
  if (a.lastModified !== undefined && b.lastModified !== undefined) return a.lastModified !== b.lastModified;
  if (a.digest !== undefined && b.digest !== undefined) return a.digest !== b.digest;
  return false;
}

/**
 * Whether the origin serves the new version of a page: gone or moved (404, 410, 3xx: the CDN must drop it), the
 * event's marker present, or a version other than the one last seen. Without a marker or an earlier version there
 * is nothing to wait for. An origin error or a 5xx is waited on.
 */
export function gateVerdict(seen: Seen, baseline: OriginVersion | undefined, marker: string | undefined): GateVerdict {
  const now = versionOf(seen);
  if (!now || now.status >= 500) return { release: false, reason: 'origin-error' };
  if (now.status === 404 || now.status === 410 || (now.status >= 300 && now.status < 400))
    return { release: true, reason: 'removed' };
  if (marker) return seen.marker ? { release: true, reason: 'marker' } : { release: false, reason: 'marker-missing' };
  if (!baseline) return { release: true, reason: 'nothing-to-compare' };
  return differs(now, baseline) ? { release: true, reason: 'new-version' } : { release: false, reason: 'same-version' };
}

/** When to poll again after `polls` polls: pollMs doubling up to pollMaxMs. */
export const nextPollAt = (gate: OriginConfig['gate'], polls: number, now: number): number =>
  now + Math.min(gate.pollMaxMs, gate.pollMs * 2 ** Math.min(polls, 30));

/** A gated page's phase: waiting for the new version, or purged on timeout and watched for a late change. */
export type GatePhase = 'waiting' | 'late';

/** What the gate does with a page after a poll. */
export type GateStep =
  { do: 'release'; reason: string } | { do: 'timeout' } | { do: 'repurge'; reason: string } | { do: 'poll'; at: number };

/**
 * The gate's next step for one page: released when the origin is fresh; past `maxWaitMs` purged anyway and then
 * watched until `lateWaitMs` more: a late change, or the end of that bound, purges once more.
 */
export function gateStep(
  gate: OriginConfig['gate'],
  row: { phase: GatePhase; since: number; polls: number },
  verdict: GateVerdict,
  now: number,
): GateStep {
  if (row.phase === 'waiting') {
    if (verdict.release) return { do: 'release', reason: verdict.reason };
    if (now >= row.since + gate.maxWaitMs) return { do: 'timeout' };
  } else {
    if (verdict.release && verdict.reason !== 'nothing-to-compare') return { do: 'repurge', reason: verdict.reason };
    if (now >= row.since + gate.maxWaitMs + gate.lateWaitMs) return { do: 'repurge', reason: 'late-bound' };
  }
  const end = row.since + gate.maxWaitMs + (row.phase === 'late' ? gate.lateWaitMs : 0);
  return { do: 'poll', at: Math.min(nextPollAt(gate, row.polls, now), end) };
}
