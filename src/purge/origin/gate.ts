// The freshness gate on the scheduler's alarms: polls the origin for each held page, releases it to the CDN queue.
import type { DistributionConfig } from '../../rules/schema';
import { OriginPacer } from '../freshness/policy';
import { observe, type Seen } from '../freshness/probe';
import { originHeaders } from '../freshness/verifier';
import type { EnqueueItem, QueueStore } from '../queue-store';
import { gateStep, gateVerdict, nextPollAt, versionOf, type GateVerdict } from './plan';
import type { GatedPage, OriginStore } from './store';

/** Plain words for why a page was released (the ledger's `detail`). */
const RELEASED: Record<Extract<GateVerdict, { release: true }>['reason'] | 'late-bound', string> = {
  'new-version': 'the origin serves a new version',
  marker: "the origin serves the event's marker",
  removed: 'the origin answers that the page is gone or moved',
  'nothing-to-compare': 'no earlier version or marker to compare: released at once',
  'late-bound': 'the origin never changed within origin.gate.lateWaitMs: purged once more',
};

export interface GateRun {
  db: OriginStore;
  queue: QueueStore;
  pacer: OriginPacer;
  env: object;
  name: string;
  config: DistributionConfig;
  now: () => number;
}

/** Polls per alarm at most, and the time they may take: the purge pass that follows must not wait on the origin. */
const POLLS_PER_ALARM = 20;
const POLL_BUDGET_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const itemsOf = (page: GatedPage): EnqueueItem[] => (page.prefetch ? [page.item, page.prefetch] : [page.item]);

/** One poll of a page at the origin (bypassing the CDN), the same GET the verification makes. */
async function poll(run: GateRun, page: GatedPage): Promise<Seen> {
  const { verify } = run.config;
  const base = verify.originBaseUrl ?? '';
  const headers = originHeaders(run.env, run.name, run.config);
  if (typeof headers === 'string') return { url: `${base}${page.path}`, status: 0, error: headers };
  return observe(base, page.path, { timeoutMs: verify.timeoutMs, marker: page.item.marker, headers });
}

/** Acts on one poll's answer: release, purge on timeout, purge once more, or poll again later. */
function decide(run: GateRun, page: GatedPage, seen: Seen): void {
  const { db, queue, config } = run;
  const gate = config.origin.gate;
  const now = run.now();
  const version = versionOf(seen);
  if (version) db.seen.record(page.path, version, now);
  const verdict = gateVerdict(seen, page.baseline ?? undefined, page.item.marker);
  const step = gateStep(gate, page, verdict, now);
  switch (step.do) {
    case 'release':
      db.deletePage(page.path);
      queue.enqueue(itemsOf(page), page.event, now, RELEASED[step.reason as keyof typeof RELEASED], 'released');
      return;
    case 'timeout': {
      db.updatePage(page.path, 'late', page.polls + 1, nextPollAt(gate, page.polls + 1, now));
      const waited = Math.round((now - page.since) / 1000);
      const why = seen.error ?? `status ${seen.status}`;
      queue.enqueue(
        itemsOf(page),
        page.event,
        now,
        `the origin still serves the old version after ${waited} s (${why}): purged anyway`,
        'released',
      );
      return;
    }
    case 'repurge':
      db.deletePage(page.path);
      queue.enqueue(
        [page.item],
        page.event,
        now,
        step.reason === 'late-bound' ? RELEASED['late-bound'] : 'the origin changed after the gate timed out: purged again',
        'repurged',
      );
      return;
    case 'poll':
      db.updatePage(page.path, page.phase, page.polls + 1, step.at);
  }
}

/** Releases every page at once (the gate was turned off); they join the next call. */
export function releaseAll(run: GateRun): void {
  for (const page of run.db.allPages()) {
    run.db.deletePage(page.path);
    if (page.phase === 'waiting') run.queue.enqueue(itemsOf(page), page.event, run.now(), 'origin.gate turned off', 'released');
  }
}

/**
 * Polls the pages due now: at most POLLS_PER_ALARM (and `verify.perAlarm`), `verify.concurrency` at once, at the
 * origin's pace (`verify.originRatePerSecond`), none starting after POLL_BUDGET_MS; the rest stay due.
 */
export async function runGate(run: GateRun): Promise<number> {
  const { verify } = run.config;
  const deadline = run.now() + POLL_BUDGET_MS;
  const due = run.db.duePages(run.now(), Math.min(verify.perAlarm, POLLS_PER_ALARM));
  let next = 0;
  let polled = 0;
  const worker = async () => {
    for (let i = next++; i < due.length; i = next++) {
      const page = due[i]!;
      const slot = run.pacer.reserve(run.now(), verify.originRatePerSecond);
      if (slot > deadline) return;
      if (slot > run.now()) await sleep(slot - run.now());
      decide(run, page, await poll(run, page));
      polled++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(verify.concurrency, due.length) }, worker));
  return polled;
}
