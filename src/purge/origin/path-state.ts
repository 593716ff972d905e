// Where one path waits in the origin work, if it does (for "why is this URL stale?"): read-only SQL, no writes.

/** A path held before the CDN purge: by an origin step (running or dead-lettered) or at the freshness gate. */
export interface OriginWait {
  state: 'step' | 'dead' | 'gate' | 'late';
  /** When the wait began: the job's start, or the page's arrival at the gate. */
  since: number;
  /** `step`/`dead`: which step (1-based) and its last failure; `gate`/`late`: polls so far. */
  step?: number;
  lastError?: string;
  polls?: number;
  /** When the next try or poll is due. */
  nextAt?: number;
}

/** The path's wait in the origin work, the gate first (a page there has passed its steps); undefined: none. */
export function originWaitOf(sql: SqlStorage, path: string): OriginWait | undefined {
  const gated = sql
    .exec<{ phase: 'waiting' | 'late'; since: number; polls: number; next_at: number }>(
      `SELECT phase, since, polls, next_at FROM origin_gate WHERE path = ?`,
      path,
    )
    .toArray()[0];
  if (gated)
    return { state: gated.phase === 'late' ? 'late' : 'gate', since: gated.since, polls: gated.polls, nextAt: gated.next_at };
  const job = sql
    .exec<{ state: 'running' | 'dead'; created_at: number; step: number; last_error: string | null; not_before: number }>(
      `SELECT state, created_at, step, last_error, not_before FROM origin_jobs
       WHERE EXISTS (SELECT 1 FROM json_each(origin_jobs.items) WHERE json_extract(value, '$.path') = ?1
         AND json_extract(value, '$.kind') IN ('url', 'pattern'))
       ORDER BY id DESC LIMIT 1`,
      path,
    )
    .toArray()[0];
  if (!job) return undefined;
  return {
    state: job.state === 'dead' ? 'dead' : 'step',
    since: job.created_at,
    step: job.step + 1,
    ...(job.last_error !== null && { lastError: job.last_error }),
    ...(job.state === 'running' && { nextAt: job.not_before }),
  };
}
