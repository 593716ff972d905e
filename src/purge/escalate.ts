// Escalation when the URL backlog cannot meet the target staleness: fold paths into patterns, or purge all. Pure.
import type { DistributionConfig } from '../rules/schema';
import { sendOrder, windowState, type CallRecord, type QueuedPath } from './planner';

export interface FoldGroup {
  /** A Gotipath pattern: a path prefix followed by `*`. */
  pattern: string;
  paths: string[];
}

export interface Escalation {
  action: 'pattern' | 'all';
  reason: string;
  /** How many queued URL paths it concerns. */
  paths: number;
  /** For `pattern`: the URL paths each new pattern covers. */
  groups: FoldGroup[];
}

export interface EscalationInput {
  /** Queued URL paths not yet folded into a pattern. */
  urls: readonly QueuedPath[];
  /** Patterns already queued (they share the one pattern call). */
  patternsQueued: number;
  calls: readonly CallRecord[];
  config: Pick<DistributionConfig, 'limits' | 'targetStalenessMs' | 'escalation' | 'foldDepth'>;
  now: number;
  urlBlockedUntil?: number;
}

/** "/a/b/c?x=1" → "/a/b/c": the segments a pattern can cut at. */
const segmentsOf = (path: string) => `/${path.split(/[?#]/, 1)[0]!.split('/').filter(Boolean).join('/')}`;
const depthOf = (key: string) => (key === '/' ? 0 : key.split('/').length - 1);

/** Merges every group into the shallowest group that is a whole-segment prefix of it. */
function absorb(groups: Map<string, string[]>): void {
  for (const key of [...groups.keys()]) {
    for (let i = key.indexOf('/', 1); i > 0; i = key.indexOf('/', i + 1)) {
      const parent = groups.get(key.slice(0, i));
      if (parent) {
        parent.push(...groups.get(key)!);
        groups.delete(key);
        break;
      }
    }
  }
}

/**
 * Folds paths into at most `max` patterns under their common prefixes. Groups start at each path's
 * own segments; the deepest are lifted one segment at a time until at most `max` remain or all are
 * at `minDepth` segments; then the `max` largest are kept and the other paths come back in `rest`.
 * A pattern never has fewer than `minDepth` segments, so paths shallower than that are never folded; nor is a
 * path whose segments hold a `*`: in a pattern it would be a wildcard (`/*` folded to `/**` is the whole site).
 */
export function foldPaths(paths: readonly string[], max: number, minDepth: number): { groups: FoldGroup[]; rest: string[] } {
  const groups = new Map<string, string[]>();
  const rest: string[] = [];
  for (const path of paths) {
    const key = segmentsOf(path);
    if (depthOf(key) < minDepth || key.includes('*')) rest.push(path);
    else groups.set(key, [...(groups.get(key) ?? []), path]);
  }
  absorb(groups);
  for (let depth = Math.max(0, ...[...groups.keys()].map(depthOf)); groups.size > max && depth > minDepth; depth--) {
    for (const [key, list] of [...groups]) {
      if (depthOf(key) !== depth) continue;
      groups.delete(key);
      const up = key.slice(0, key.lastIndexOf('/'));
      groups.set(up, [...(groups.get(up) ?? []), ...list]);
    }
    absorb(groups);
  }
  const ranked = [...groups].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  rest.push(...ranked.slice(Math.max(0, max)).flatMap(([, list]) => list));
  return { groups: ranked.slice(0, Math.max(0, max)).map(([key, list]) => ({ pattern: `${key}*`, paths: list })), rest };
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Decides whether the URL backlog needs escalating. It does when the calls available now cannot carry
 * it and, at the configured rate, the last path would go out after the oldest one's target. The paths
 * the calls available now can carry stay exact URL purges; the rest are folded (or purged with all).
 */
export function planEscalation(input: EscalationInput): Escalation | undefined {
  const { config, now } = input;
  const { limits, escalation: mode } = config;
  if (mode === 'off' || input.urls.length === 0) return undefined;
  const urls = [...input.urls].sort(sendOrder(limits.windowMs));
  const blocked = Math.max(now, input.urlBlockedUntil ?? 0);
  const available = blocked > now ? 0 : windowState(input.calls, 'url', limits, now).available;
  const needed = Math.ceil(urls.length / limits.url.paths);
  if (needed <= available) return undefined;
  const finish = blocked + Math.ceil((needed - available) / limits.url.calls) * limits.windowMs;
  const deadline = Math.min(...urls.map((u) => u.enqueuedAt)) + config.targetStalenessMs;
  if (finish <= deadline) return undefined;
  const reason = `${urls.length} URL paths need ${needed} calls; the last would go in ${seconds(finish - now)}, ${seconds(finish - deadline)} past the ${seconds(config.targetStalenessMs)} target`;
  if (mode === 'all') return { action: 'all', reason, paths: urls.length, groups: [] };
  const room = limits.pattern.paths - input.patternsQueued;
  const overflow = urls.slice(available * limits.url.paths).map((u) => u.path);
  const { groups, rest } = foldPaths(overflow, room, config.foldDepth);
  if (rest.length > 0 && mode === 'patterns-then-all') {
    return {
      action: 'all',
      reason: `${reason}; ${rest.length} of them fold into no pattern within ${Math.max(0, room)}`,
      paths: urls.length,
      groups: [],
    };
  }
  const paths = overflow.length - rest.length;
  return groups.length > 0
    ? { action: 'pattern', reason: `${reason}; ${paths} folded into ${groups.length} pattern(s)`, paths, groups }
    : undefined;
}
