// Origin work for one scheduler: holds an event's paths, runs its origin steps, hands them to the gate or the queue.
import { RelayError } from '../../errors';
import { originOn } from '../../rules/origin-schema';
import type { DistributionConfig } from '../../rules/schema';
import { requireSecret } from '../../settings';
import { OriginPacer } from '../freshness/policy';
import type { DeadLetter, EnqueueItem, QueueStore } from '../queue-store';
import type { TagQueue } from '../tag-queue';
import { releaseAll, runGate, type GateRun } from './gate';
import { afterFailure } from './plan';
import { buildRequests, runStep, type StepOutcome } from './steps';
import { OriginStore, type OriginJob } from './store';

/** Jobs advanced per alarm at most (each runs its remaining steps in order). */
const JOBS_PER_ALARM = 10;

export class OriginWork {
  readonly db: OriginStore;
  private readonly pacer = new OriginPacer();

  constructor(
    sql: SqlStorage,
    private readonly queue: QueueStore,
    private readonly tagQueue: TagQueue,
  ) {
    this.db = new OriginStore(sql);
  }

  /** Holds an event's work when the distribution has origin steps or the gate; false: queue it as usual. */
  hold(config: DistributionConfig, event: string, items: readonly EnqueueItem[], tags: TagItemList, now: number): boolean {
    if (!originOn(config.origin) || (items.length === 0 && tags.length === 0)) return false;
    if (config.origin.steps.length === 0) {
      this.release(config, event, items, tags, now, 'queued');
      return true;
    }
    this.db.addJob(event, items, tags, now);
    for (const item of items) this.note(item, event, now, 'queued', `held for ${config.origin.steps.length} origin step(s)`);
    return true;
  }

  /** Runs the origin steps due and the gate's polls; returns when to wake next. */
  async run(env: object, name: string, config: DistributionConfig, now = Date.now): Promise<number | undefined> {
    if (!originOn(config.origin)) {
      for (const job of [...this.db.dueJobs(Number.MAX_SAFE_INTEGER, 1_000), ...this.db.deadJobs()]) {
        this.db.deleteJob(job.id);
        this.release(config, job.event, job.items, job.tags, now(), 'released', 'origin steps removed from the config');
      }
    }
    for (const job of this.db.dueJobs(now(), JOBS_PER_ALARM)) await this.advance(env, name, config, job, now);
    const gate: GateRun = { db: this.db, queue: this.queue, pacer: this.pacer, env, name, config, now };
    if (!config.origin.gate.enabled) releaseAll(gate);
    else await runGate(gate);
    this.db.seen.prune(now());
    return this.db.nextDue();
  }

  /** Held jobs whose step failed past its bound under `onFailure: "hold"`, as dead letters (one per path). */
  deadLetters(): DeadLetter[] {
    return this.db.deadJobs().flatMap((job) =>
      job.items
        .filter((i) => i.kind !== 'prefetch')
        .map((i) => ({
          kind: i.kind,
          path: i.path,
          status: job.lastStatus ?? 0,
          message: `held by origin step ${job.step + 1}: ${job.lastError ?? 'failed'}`,
          at: job.notBefore,
          event: job.event,
          rule: i.ruleId ?? null,
        })),
    );
  }

  /** Runs dead jobs again (`retry`) or forgets them; `paths` undefined: all. Returns how many paths. */
  resolve(action: 'retry' | 'drop', paths: readonly string[] | undefined, now: number): number {
    let count = 0;
    for (const job of this.db.deadJobs()) {
      if (paths && !job.items.some((i) => paths.includes(i.path))) continue;
      count += job.items.filter((i) => i.kind !== 'prefetch').length;
      if (action === 'retry') this.db.reviveJob(job.id, now);
      else this.db.deleteJob(job.id);
      for (const item of job.items) this.note(item, job.event, now, action === 'retry' ? 'retried' : 'dropped');
    }
    return count;
  }

  status() {
    return this.db.counts();
  }

  /** Runs a job's remaining steps in order until one fails; then the retry policy decides. */
  private async advance(env: object, name: string, config: DistributionConfig, job: OriginJob, now: () => number) {
    const { steps } = config.origin;
    const input = {
      event: job.event,
      paths: job.items.filter((i) => i.kind === 'url').map((i) => i.path),
      tags: job.tags.map((t) => t.tag),
    };
    let detail = 'origin steps done';
    while (job.step < steps.length) {
      const step = steps[job.step]!;
      const label = `origin step ${job.step + 1} (${step.type})`;
      const outcome = await this.attempt(env, name, job.step, step, input);
      const at = now();
      if (outcome.ok) {
        this.noteAll(job, at, `${label}: done (${outcome.requests} request(s))`, outcome.status);
        job.step++;
        job.failures = 0;
        continue;
      }
      job.failures++;
      job.lastStatus = outcome.status;
      job.lastError = outcome.message ?? 'failed';
      const next = afterFailure(config.origin, job.createdAt, job.failures, at);
      if (next.action === 'purge') {
        detail = `${label} failed past origin.maxHoldMs: purged anyway (origin.onFailure "purge")`;
        this.noteAll(job, at, `${label} failed: ${job.lastError}; ${detail}`, outcome.status);
        break;
      }
      if (next.action === 'dead') {
        this.db.updateJob({ ...job, state: 'dead' });
        this.noteAll(job, at, `${label} failed: ${job.lastError}; held as a dead letter`, outcome.status, 'dead');
        return;
      }
      this.db.updateJob({ ...job, notBefore: next.at });
      const wait = Math.round((next.at - at) / 100) / 10;
      this.noteAll(job, at, `${label} failed: ${job.lastError}; retry in ${wait} s`, outcome.status);
      return;
    }
    this.db.deleteJob(job.id);
    this.release(config, job.event, job.items, job.tags, now(), 'released', detail);
  }

  private async attempt(
    env: object,
    name: string,
    index: number,
    step: DistributionConfig['origin']['steps'][number],
    input: Parameters<typeof buildRequests>[1],
  ): Promise<StepOutcome> {
    let requests;
    try {
      const owner = `distribution "${name}" origin.steps[${index}]`;
      requests = buildRequests(step, input, (secret) => requireSecret(env, secret, owner));
    } catch (error) {
      const message = error instanceof RelayError ? (error.internal ?? error.message) : String(error);
      return { ok: false, status: 0, requests: 0, message };
    }
    return runStep(step, requests);
  }

  /**
   * Hands an event's paths on: URL paths (and their prefetches) to the gate when it is on, the rest to the CDN
   * queue; tags to the tag queue. `step`: `queued` for work never held, `released` for work the steps held.
   */
  private release(
    config: DistributionConfig,
    event: string,
    items: readonly EnqueueItem[],
    tags: TagItemList,
    now: number,
    step: 'queued' | 'released',
    detail?: string,
  ): void {
    const gate = config.origin.gate;
    const gated = gate.enabled ? items.filter((i) => i.kind === 'url') : [];
    const gatedPaths = new Set(gated.map((i) => i.path));
    const rest = items.filter((i) => !gatedPaths.has(i.path) || (i.kind !== 'url' && i.kind !== 'prefetch'));
    this.queue.enqueue(rest, event, now, detail, step);
    this.tagQueue.enqueue(tags, event, now);
    const waitS = Math.round(gate.maxWaitMs / 1000);
    for (const item of gated) {
      const prefetch = items.find((i) => i.kind === 'prefetch' && i.path === item.path) ?? null;
      if (step === 'queued') this.note(item, event, now, 'queued');
      this.db.gate(item, prefetch, event, this.db.seen.last(item.path), now);
      this.note(item, event, now, 'gated', `waiting for the origin's new version (at most ${waitS} s)`);
    }
  }

  private note(item: EnqueueItem, event: string, at: number, step: LedgerStepName, detail?: string, status?: number) {
    this.queue.ledger.note({ at, step, kind: item.kind, path: item.path, event, rule: item.ruleId, detail, status });
  }

  private noteAll(job: OriginJob, at: number, detail: string, status: number, step: LedgerStepName = 'origin') {
    for (const item of job.items) if (item.kind !== 'prefetch') this.note(item, job.event, at, step, detail, status || undefined);
  }
}

type TagItemList = Parameters<TagQueue['enqueue']>[0];
type LedgerStepName = Parameters<QueueStore['ledger']['note']>[0]['step'];
