// What verification does next, without I/O: after a verdict, which pages a purge gets checked, the origin's pace.
import type { CallKind } from '../../rules/schema';
import type { VerifyConfig } from '../../rules/verify-schema';
import type { CheckPage, PendingCheck } from './checks';
import type { Verdict } from './verdict';

export type NextStep =
  | { action: 'done'; final: Verdict }
  | { action: 'again'; attempt: number; due: number }
  | { action: 'repurge'; repurges: number }
  | { action: 'stuck' };

/**
 * After a check: `fresh` and `gone` end it; `stale` and `unknown` are checked again after the next delay. After
 * the last delay a stale page is purged again (up to `maxRepurges`, then it is stuck); an unknown one is left
 * unknown: nothing shows that another purge would help.
 */
export function afterCheck(
  check: Pick<PendingCheck, 'attempt' | 'repurges'>,
  verdict: Verdict,
  verify: Pick<VerifyConfig, 'delaysMs' | 'maxRepurges'>,
  now: number,
): NextStep {
  if (verdict === 'fresh' || verdict === 'gone') return { action: 'done', final: verdict };
  const attempt = check.attempt + 1;
  const delay = verify.delaysMs[attempt];
  if (delay !== undefined) return { action: 'again', attempt, due: now + delay };
  if (verdict === 'unknown') return { action: 'done', final: 'unknown' };
  return check.repurges < verify.maxRepurges ? { action: 'repurge', repurges: check.repurges + 1 } : { action: 'stuck' };
}

/** The paths a Gotipath pattern reaches: `*` only at the end (a prefix), else the path itself. */
export const patternPrefix = (pattern: string) => (pattern.endsWith('*') ? pattern.slice(0, -1) : pattern);
export const covers = (pattern: string, path: string) =>
  pattern.endsWith('*') ? path.startsWith(patternPrefix(pattern)) : path === pattern;

/** Where the pages a pattern or purge-all covered are found besides the queue: recent purges, the tag index. */
export interface SampleSources {
  /** Paths under a prefix ("" for all), most recent first. */
  recentlyPurged: (prefix: string, limit: number) => string[];
  indexed: (prefix: string, limit: number) => string[];
}

/** A call's accepted batch and the queued rows it covered (queue-store.ts `origins`). */
export interface AcceptedCall {
  kind: CallKind;
  paths: readonly string[];
  covered: readonly (CheckPage & { kind: CallKind; cover: string | null })[];
}

/**
 * The pages an accepted purge has checked: every path of a URL purge; for each pattern (or a purge-all) a sample of
 * `sample` pages, the queued URL paths it covered first (they carry their event and marker), then the paths
 * purged recently and the paths the tag index knows under it.
 */
export function pagesToCheck(call: AcceptedCall, sample: number, sources: SampleSources): CheckPage[] {
  const own = new Map(call.covered.filter((c) => c.kind === call.kind).map((c) => [c.path, c]));
  const page = ({ path, event, marker, queuedAt }: CheckPage): CheckPage => ({ path, event, marker, queuedAt });
  if (call.kind === 'url')
    return call.paths.map((path) => page(own.get(path) ?? { path, event: null, marker: null, queuedAt: null }));
  if (call.kind === 'prefetch' || sample === 0) return [];
  const targets = call.kind === 'all' ? [''] : call.paths;
  const chosen = new Map<string, CheckPage>();
  for (const target of targets) {
    const event = own.get(target)?.event ?? null;
    const prefix = call.kind === 'all' ? '' : patternPrefix(target);
    const fits = (path: string) => call.kind === 'all' || covers(target, path);
    const urls = call.covered.filter((c) => c.kind === 'url' && fits(c.path)).map(page);
    const others = [...sources.recentlyPurged(prefix, sample), ...sources.indexed(prefix, sample)]
      .filter(fits)
      .map((path) => ({ path, event, marker: null, queuedAt: null }));
    let taken = 0;
    for (const candidate of [...urls, ...others]) {
      if (taken >= sample) break;
      if (chosen.has(candidate.path)) continue;
      chosen.set(candidate.path, candidate);
      taken++;
    }
  }
  return [...chosen.values()];
}

/** Spaces check starts so the origin sees at most `ratePerSecond` (one instance per scheduler, shared by all checks). */
export class OriginPacer {
  private next = 0;

  /** When the next check may start, reserving that slot. */
  reserve(now: number, ratePerSecond: number): number {
    const at = Math.max(now, this.next);
    this.next = at + 1000 / ratePerSecond;
    return at;
  }
}
