// PurgeScheduler: one Durable Object per Gotipath distribution. Stores paths durably, flushes on alarms.
import { DurableObject } from 'cloudflare:workers';
import { log } from '../lib/log';
import { loadConfig } from '../rules/store';
import { DEFAULT_GOTIPATH_API, type DistributionConfig } from '../rules/schema';
import { readSettings } from '../settings';
import { flush } from './flush';
import { createGotipathClient } from './gotipath';
import { initialState, resumeState, type SchedulerState } from './outcome';
import { QueueStore, type EnqueueItem } from './queue-store';
import { describeStatus, type SchedulerStatus } from './status';
import { callTimeline, type Timeline } from './timeline';

/** What the scheduler needs to know about its distribution, sent with every enqueue. */
export interface DistributionSnapshot {
  name: string;
  config: DistributionConfig;
}

/** After a pass fails outright (bad settings, unreadable config), try again this much later. */
const RETRY_AFTER_ERROR_MS = 30_000;

export class PurgeScheduler extends DurableObject<Env> {
  private readonly store: QueueStore;
  private readonly state: SchedulerState;
  private running: Promise<void> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new QueueStore(ctx.storage.sql);
    this.state = this.store.getMeta<SchedulerState>('state') ?? initialState();
  }

  /** Stores the paths; once this returns they are durable and will be sent. */
  async enqueue(distribution: DistributionSnapshot, eventId: string, items: EnqueueItem[]): Promise<{ queued: number }> {
    const now = Date.now();
    this.store.setMeta('distribution', distribution);
    this.store.enqueue(items, eventId, now);
    // Coalesce: wait a moment for more paths, but never push an earlier alarm later.
    await this.wake(now + distribution.config.coalesceMs);
    return { queued: items.length };
  }

  override async alarm(): Promise<void> {
    // One pass at a time: an alarm that fires while a pass awaits Gotipath joins it.
    this.running ??= this.pass().finally(() => (this.running = undefined));
    await this.running;
  }

  /** The status under the distribution's config as the caller (the admin API, with the live config) knows it. */
  async status(config: DistributionConfig): Promise<SchedulerStatus> {
    return describeStatus(this.store, this.state, config, await this.ctx.storage.getAlarm(), Date.now());
  }

  /** Calls and purged paths per minute over the last hour (the console's chart). */
  async timeline(bucketMs = 60_000): Promise<Timeline> {
    return callTimeline(this.ctx.storage.sql, Date.now(), bucketMs);
  }

  async journey(eventId: string) {
    return this.store.ledger.journey(eventId);
  }

  async deadLetters() {
    return this.store.deadLetters();
  }

  /** Queues dead letters again or forgets them (`paths` undefined: all); returns how many. */
  async resolveDeadLetters(action: 'retry' | 'drop', paths?: string[]): Promise<number> {
    const count = this.store.resolveDeadLetters(action, paths, Date.now());
    if (action === 'retry' && count > 0) await this.wake(Date.now());
    return count;
  }

  /** An admin's word that the credentials (or Gotipath) work again: lift every hold and send now. */
  async resume(): Promise<void> {
    resumeState(this.state);
    this.store.setMeta('state', this.state);
    await this.wake(Date.now());
  }

  private snapshot() {
    return this.store.getMeta<DistributionSnapshot>('distribution');
  }

  private async wake(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  /** The live config wins; a distribution since removed from it still drains what was accepted. */
  private async live(snapshot: DistributionSnapshot) {
    const loaded = await loadConfig(this.env.CONFIG);
    const config = Object.values(loaded?.config.distributions ?? {}).find((d) => d.id === snapshot.config.id) ?? snapshot.config;
    return { config, api: loaded?.config.gotipath ?? DEFAULT_GOTIPATH_API };
  }

  private async pass(): Promise<void> {
    const snapshot = this.snapshot();
    if (!snapshot) return;
    let wakeAt: number | undefined;
    try {
      const { config, api } = await this.live(snapshot);
      const settings = readSettings(this.env);
      const client = createGotipathClient({
        baseUrl: settings.GOTIPATH_API_BASE,
        clientId: settings.GOTIPATH_CLIENT_ID,
        libraryId: settings.GOTIPATH_LIBRARY_ID,
        apiKey: settings.GOTIPATH_API_KEY,
        api,
      });
      wakeAt = await flush({
        store: this.store,
        client,
        state: this.state,
        distributionId: snapshot.config.id,
        config,
        timeoutMs: api.timeoutMs,
      });
    } catch (error) {
      // Bad settings, an unreadable config, a storage error: keep every path and try again later.
      log('error', 'purge pass failed', { distributionId: snapshot.config.id, error: String(error) });
      wakeAt = Date.now() + RETRY_AFTER_ERROR_MS;
    } finally {
      this.store.setMeta('state', this.state);
      this.store.ledger.prune(Date.now());
    }
    if (wakeAt !== undefined) await this.ctx.storage.setAlarm(Math.max(wakeAt, Date.now() + 50));
  }
}
