// What a queued tag becomes at send time: its indexed paths as URL purges, folded into patterns past the limit. Pure.
import type { DistributionConfig } from '../rules/schema';
import { foldPaths } from './escalate';

export interface TagPlan {
  urls: string[];
  patterns: { pattern: string; paths: string[] }[];
  /** Set when the tag reached more paths than the limit: what was done instead, for the escalations list. */
  escalation?: { reason: string; paths: number; patterns: string[] };
}

export interface TagPlanOptions {
  /** The distribution's `tags.expandLimit`. */
  limit: number;
  /** Patterns one pattern call carries (`limits.pattern.paths`). */
  patternRoom: number;
  /** `foldDepth`: a pattern keeps at least this many path segments. */
  foldDepth: number;
}

/** A distribution's limits as the tag plan reads them. */
export const tagPlanOptions = (d: DistributionConfig): TagPlanOptions => ({
  limit: d.tags.expandLimit,
  patternRoom: d.limits.pattern.paths,
  foldDepth: d.foldDepth,
});

/** The fewest patterns (at most `room`) that cover every path; else the fold into `room` patterns. */
function fewestPatterns(paths: readonly string[], room: number, depth: number) {
  for (let k = 1; k < room; k++) {
    const fold = foldPaths(paths, k, depth);
    if (fold.rest.length === 0) return fold;
  }
  return foldPaths(paths, room, depth);
}

/**
 * Up to `limit` paths go out as exact URL purges. Past it they are folded into at most `patternRoom`
 * patterns under their common prefixes (src/purge/escalate.ts); paths that fold into none still go
 * as URL purges: a tag is never cut short silently, and the escalation says what happened.
 */
export function planTag(tag: string, paths: readonly string[], o: TagPlanOptions): TagPlan {
  if (paths.length <= o.limit) return { urls: [...paths], patterns: [] };
  const { groups, rest } = fewestPatterns(paths, o.patternRoom, o.foldDepth);
  const head = `tag "${tag}" reaches ${paths.length} paths, more than the expandLimit of ${o.limit}`;
  const folded = paths.length - rest.length;
  const reason =
    groups.length === 0
      ? `${head}; none fold into a pattern of ${o.foldDepth}+ segments, all sent as URL purges`
      : `${head}; ${folded} folded into ${groups.length} pattern(s)${rest.length > 0 ? `, ${rest.length} sent as URL purges` : ''}`;
  return {
    urls: rest,
    patterns: groups,
    escalation: { reason, paths: paths.length, patterns: groups.map((g) => g.pattern) },
  };
}
