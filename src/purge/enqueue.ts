// Hands matched paths to each distribution's scheduler; resolves only once every one has stored them.
import { unavailable } from '../errors';
import type { ProducedPath } from '../rules/matcher';
import { PRIORITY } from '../rules/rule-schema';
import type { CallKind, RelayConfig } from '../rules/schema';
import type { TagItem } from './tag-queue';
import type { EnqueueItem } from './queue-store';
import { secondsUntil } from './eta';
import type { SendEstimate } from './eta-facts';
import { schedulerFor } from './scheduler';

export interface PurgeWork {
  distribution: string;
  items: EnqueueItem[];
  /** Cache tags, expanded by the scheduler to the paths its tag index holds when it sends. */
  tags?: TagItem[];
}

/**
 * What becomes queue items: a rule's produced paths (each with its kind, priority and prefetch flag),
 * remembered paths, or plain path lists (manual purges, schedules: the first goes first).
 */
export interface WorkInput {
  distribution: string;
  paths?: readonly ProducedPath[];
  purge?: readonly string[];
  prefetch?: readonly string[];
  /** The rule (or schedule) that produced the paths, for the ledger. */
  ruleId?: string;
  /** Cache tags the rule names (filled from the event). */
  tags?: readonly string[];
  /** The event's verification marker for this distribution (`verify.marker` filled in), for its URL paths. */
  marker?: string;
  skipped?: readonly unknown[];
}

/** Groups paths by distribution; a path listed twice keeps its most urgent priority. */
export function collectWork(inputs: readonly WorkInput[]): PurgeWork[] {
  const byDistribution = new Map<string, Map<string, EnqueueItem>>();
  const tagsOf = new Map<string, Map<string, TagItem>>();
  const add = (distribution: string, kind: CallKind, path: string, priority: number, ruleId?: string, marker?: string) => {
    const items = byDistribution.get(distribution) ?? new Map<string, EnqueueItem>();
    byDistribution.set(distribution, items);
    const key = `${kind} ${path}`;
    const existing = items.get(key);
    const mark = kind === 'url' ? (marker ?? existing?.marker) : undefined;
    if (!existing || existing.priority > priority)
      items.set(key, { kind, path, priority, ...(ruleId ? { ruleId } : {}), ...(mark !== undefined && { marker: mark }) });
    else if (mark !== undefined) existing.marker = mark;
  };
  for (const input of inputs) {
    for (const p of input.paths ?? []) {
      add(input.distribution, p.kind, p.path, p.priority, input.ruleId, input.marker);
      if (p.prefetch && p.kind === 'url') add(input.distribution, 'prefetch', p.path, p.priority, input.ruleId);
    }
    input.purge?.forEach((path, i) => add(input.distribution, 'url', path, i, input.ruleId));
    input.prefetch?.forEach((path, i) => add(input.distribution, 'prefetch', path, i, input.ruleId));
    for (const tag of input.tags ?? []) {
      const tags = tagsOf.get(input.distribution) ?? new Map<string, TagItem>();
      tagsOf.set(input.distribution, tags);
      if (!byDistribution.has(input.distribution)) byDistribution.set(input.distribution, new Map());
      // A tag reaches listing pages: it goes after the rule's own first path.
      if (!tags.has(tag)) tags.set(tag, { tag, priority: PRIORITY.listing, ...(input.ruleId ? { ruleId: input.ruleId } : {}) });
    }
  }
  return [...byDistribution].map(([distribution, items]) => {
    const tags = [...(tagsOf.get(distribution)?.values() ?? [])];
    return { distribution, items: [...items.values()], ...(tags.length > 0 && { tags }) };
  });
}

/** Adds a purge-all for a distribution to the work (schedules and manual purges ask for one). */
export function addPurgeAll(work: PurgeWork[], distribution: string): PurgeWork[] {
  const all: EnqueueItem = { kind: 'all', path: '', priority: 0 };
  const entry = work.find((w) => w.distribution === distribution);
  if (entry) entry.items.push(all);
  else work.push({ distribution, items: [all] });
  return work;
}

export const countPaths = (work: readonly PurgeWork[]) =>
  work.reduce((n, w) => n + w.items.filter((i) => i.kind !== 'prefetch').length, 0);

/** When the queued work is expected to be sent, as the receipt tells it. */
export interface WorkEstimate {
  /** Seconds until the last path is expected to be sent; null while a distribution it names is held. */
  etaSeconds?: number | null;
  /** Distributions holding their queue (`main: unauthorized`): nothing is sent there until the hold lifts. */
  held?: string[];
}

/** The estimate of a whole delivery: the latest of its distributions' (pure). */
export function combineEstimates(estimates: readonly ({ distribution: string } & SendEstimate)[], now: number): WorkEstimate {
  const held = estimates.filter((e) => e.sendAt === null).map((e) => `${e.distribution}: ${e.held ?? 'held'}`);
  if (held.length > 0) return { etaSeconds: null, held };
  const times = estimates.flatMap((e) => (typeof e.sendAt === 'number' ? [e.sendAt] : []));
  // A scheduler that gave no estimate (none queued anything) leaves the receipt without one.
  return times.length === 0 ? {} : { etaSeconds: secondsUntil(Math.max(now, ...times), now) };
}

/** Stores the work in every scheduler it names; a failure is a 503 so the platform retries. Resolves with the ETA. */
export async function enqueueWork(
  env: Env,
  config: RelayConfig,
  work: readonly PurgeWork[],
  eventId: string,
): Promise<WorkEstimate> {
  try {
    const estimates = await Promise.all(
      work.map(async ({ distribution, items, tags }) => {
        const snapshot = { name: distribution, config: config.distributions[distribution]! };
        const { sendAt, held } = await schedulerFor(env, snapshot.config.id).enqueue(snapshot, eventId, items, tags);
        return { distribution, sendAt, ...(held && { held }) };
      }),
    );
    return combineEstimates(estimates, Date.now());
  } catch (cause) {
    throw unavailable('could not store the paths to purge; retry later', cause);
  }
}
