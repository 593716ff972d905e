// PurgeScheduler: one Durable Object per Gotipath distribution. Stores paths durably, flushes on alarms.
import { DurableObject } from 'cloudflare:workers';
import { loadConfig } from '../rules/store';
import { DEFAULT_GOTIPATH_API, type DistributionConfig } from '../rules/schema';
import { readSettings } from '../settings';
import { flush, initialState, type SchedulerState } from './flush';
import { createGotipathClient } from './gotipath';
import { windowState, KIND_ORDER } from './planner';
import { QueueStore, type EnqueueItem } from './queue-store';
import { callTimeline, type Timeline } from './timeline';

/** What the scheduler needs to know about its distribution, sent with every enqueue. */
export interface DistributionSnapshot {
  name: string;
  config: DistributionConfig;
}

export interface SchedulerStatus {
  distribution: string | undefined;
  distributionId: string | undefined;
  health: SchedulerState['health'];
  pending: Record<string, number>;
  oldestPendingAgeMs: number | undefined;
  nextSendAt: string | undefined;
  tokens: Record<string, number>;
  lastError: SchedulerState['lastError'];
  lastHour: { calls: number; paths: number; byStatus: Record<string, number> };
  deadLetters: number;
}

export class PurgeScheduler extends DurableObject<Env> {
  private readonly store: QueueStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new QueueStore(ctx.storage.sql);
  }

  /** Stores the paths; once this returns they are durable and will be sent. */
  async enqueue(distribution: DistributionSnapshot, eventId: string, items: EnqueueItem[]): Promise<{ queued: number }> {
    const now = Date.now();
    this.store.setMeta('distribution', distribution);
    this.store.enqueue(items, eventId, now);
    // Coalesce: wait a moment for more paths, but never push an earlier alarm later.
    const due = now + distribution.config.coalesceMs;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > due) await this.ctx.storage.setAlarm(due);
    return { queued: items.length };
  }

  override async alarm(): Promise<void> {
    const snapshot = this.store.getMeta<DistributionSnapshot>('distribution');
    if (!snapshot) return;
    const settings = readSettings(this.env);
    const loaded = await loadConfig(this.env.CONFIG);
    // The live config wins; a distribution since removed from it still drains what was accepted.
    const live = Object.values(loaded?.config.distributions ?? {}).find((d) => d.id === snapshot.config.id);
    const limits = (live ?? snapshot.config).limits;
    const client = createGotipathClient({
      baseUrl: settings.GOTIPATH_API_BASE,
      clientId: settings.GOTIPATH_CLIENT_ID,
      libraryId: settings.GOTIPATH_LIBRARY_ID,
      apiKey: settings.GOTIPATH_API_KEY,
      api: loaded?.config.gotipath ?? DEFAULT_GOTIPATH_API,
    });
    const wakeAt = await flush({ store: this.store, client, distributionId: snapshot.config.id, limits });
    if (wakeAt !== undefined) await this.ctx.storage.setAlarm(Math.max(wakeAt, Date.now() + 50));
  }

  /** Calls and purged paths per minute over the last hour (the console's chart). */
  async timeline(bucketMs = 60_000): Promise<Timeline> {
    return callTimeline(this.ctx.storage.sql, Date.now(), bucketMs);
  }

  async status(): Promise<SchedulerStatus> {
    const now = Date.now();
    const snapshot = this.store.getMeta<DistributionSnapshot>('distribution');
    const state = this.store.getMeta<SchedulerState>('state') ?? initialState();
    const counts = this.store.counts();
    const lastHour = this.store.calls(now - 3_600_000);
    const alarm = await this.ctx.storage.getAlarm();
    const tokens: Record<string, number> = {};
    if (snapshot) for (const kind of KIND_ORDER) tokens[kind] = windowState(lastHour, kind, snapshot.config.limits, now).available;
    const oldest = counts.length > 0 ? Math.min(...counts.map((c) => c.oldest)) : undefined;
    const byStatus: Record<string, number> = {};
    for (const call of lastHour) byStatus[call.status] = (byStatus[call.status] ?? 0) + 1;
    return {
      distribution: snapshot?.name,
      distributionId: snapshot?.config.id,
      health: state.health,
      pending: Object.fromEntries(counts.map((c) => [c.kind, c.pending])),
      oldestPendingAgeMs: oldest === undefined ? undefined : now - oldest,
      nextSendAt: alarm === null ? undefined : new Date(alarm).toISOString(),
      tokens,
      lastError: state.lastError,
      lastHour: { calls: lastHour.length, paths: lastHour.reduce((n, c) => n + c.paths, 0), byStatus },
      deadLetters: this.store.deadLetters().length,
    };
  }
}
