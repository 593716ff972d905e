// Runs due checks for one scheduler (bounded per alarm, a few at a time, at the origin's pace) and acts on them.
import type { DistributionConfig } from '../../rules/schema';
import type { Ledger } from '../ledger';
import type { QueueStore } from '../queue-store';
import type { CheckStore, PendingCheck } from './checks';
import { afterCheck, type OriginPacer } from './policy';
import { checkPage, type PageCheck } from './probe';

/** Who asks for a re-purge in the ledger and the queue. */
export const REPURGE_RULE = 'verify';

export interface VerifyRun {
  store: QueueStore;
  checks: CheckStore;
  config: DistributionConfig;
  pacer: OriginPacer;
  /** The configured header for the origin; a string says why it could not be made (a missing secret). */
  originHeaders: Record<string, string> | string;
  now: () => number;
  fetch?: typeof fetch;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One check of one page now, at the origin's pace. */
export async function checkOne(run: VerifyRun, path: string, marker?: string | null): Promise<PageCheck> {
  const { config, originHeaders } = run;
  const { verify } = config;
  const wait = run.pacer.reserve(run.now(), verify.originRatePerSecond) - run.now();
  if (wait > 0) await sleep(wait);
  const base = {
    path,
    edgeBaseUrl: config.publicBaseUrl ?? '',
    validator: verify.validator,
    marker: marker ?? undefined,
    timeoutMs: verify.timeoutMs,
    fetch: run.fetch,
  };
  if (typeof originHeaders === 'string') {
    // The origin cannot be asked as configured: judged unknown, saying why (no request is made).
    const origin = { url: `${verify.originBaseUrl ?? ''}${path}`, status: 0, error: originHeaders };
    return { verdict: 'unknown', evidence: { reason: 'origin-error', origin } };
  }
  return checkPage({ ...base, originBaseUrl: verify.originBaseUrl ?? '', originHeaders });
}

/** Writes the check to the ledger and takes the next step: done, again later, purged again, or stuck. */
export function record(run: VerifyRun, pending: PendingCheck, result: PageCheck): void {
  const { store, checks, config } = run;
  const now = run.now();
  const ledger: Ledger = store.ledger;
  const row = { kind: 'url' as const, path: pending.path, event: pending.event ?? undefined };
  ledger.note({
    ...row,
    at: now,
    step: 'checked',
    attempt: pending.attempt + 1,
    detail: result.verdict,
    evidence: result.evidence,
  });
  const next = afterCheck(pending, result.verdict, config.verify, now);
  if (next.action === 'again') return checks.again(pending.path, next.attempt, next.due);
  if (next.action === 'done') return checks.remove(pending.path);
  if (next.action === 'stuck') {
    ledger.note({
      ...row,
      at: now,
      step: 'stuck',
      detail: `still stale after ${pending.repurges} re-purge${pending.repurges === 1 ? '' : 's'}`,
    });
    return checks.remove(pending.path);
  }
  const detail = `stale after ${pending.attempt + 1} checks`;
  if (store.isQueued('url', pending.path)) {
    // A newer event queued the page meanwhile: its purge is the re-purge (and keeps its own marker).
    ledger.note({ ...row, at: now, step: 'repurged', rule: REPURGE_RULE, detail: `${detail}; already queued` });
  } else {
    // Top priority, within the same limits as every purge (the planner decides when it goes).
    const item = {
      kind: 'url' as const,
      path: pending.path,
      priority: 0,
      ruleId: REPURGE_RULE,
      marker: pending.marker ?? undefined,
    };
    store.enqueue([item], pending.event ?? REPURGE_RULE, now, detail, 'repurged');
  }
  checks.repurging(pending.path, next.repurges);
}

/**
 * Runs the checks due now, at most `perAlarm`, `concurrency` at a time, starting none after `deadline` (the next
 * purge's send time: checks never hold up a purge); returns how many were made and how many pages were purged
 * again (the caller wakes the scheduler to send them).
 */
export async function runDueChecks(run: VerifyRun, deadline = Infinity): Promise<{ checked: number; repurged: number }> {
  const { verify } = run.config;
  const due = run.checks.due(run.now(), verify.perAlarm);
  let next = 0;
  let checked = 0;
  let repurged = 0;
  const worker = async () => {
    // The first check always runs: a scheduler always behind on its sends still makes progress on its checks.
    for (let i = next++; i < due.length && (i === 0 || run.now() < deadline); i = next++, checked++) {
      const pending = due[i]!;
      const result = await checkOne(run, pending.path, pending.marker);
      record(run, pending, result);
      if (run.checks.get(pending.path)?.state === 'repurging') repurged++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(verify.concurrency, due.length) }, worker));
  return { checked, repurged };
}
