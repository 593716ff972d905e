// PurgeScheduler: one Durable Object per Gotipath distribution. Stores paths durably, flushes on alarms.
import { DurableObject } from 'cloudflare:workers';
import { log } from '../lib/log';
import { loadConfig } from '../rules/store';
import { DEFAULT_GOTIPATH_API, type DistributionConfig, type RelayConfig } from '../rules/schema';
import { readSettings } from '../settings';
import { accountGate } from './account-limiter';
import { diagnose, type Diagnosis } from './diagnose';
import { flush } from './flush';
import { noticePass } from './notices';
import { createGotipathClient } from './gotipath';
import { initialState, resumeState, type SchedulerState } from './outcome';
import { QueueStore, type EnqueueItem } from './queue-store';
import { describeStatus, type SchedulerStatus } from './status';
import { estimateFor, type SendEstimate } from './eta-facts';
import { pathReport } from './path-report';
import { liveTimes } from './live-times';
import type { Timeline } from './call-log';
import type { CallQuery } from './ledger';
import { Crawler, type CrawlProgress } from '../tags/crawler';
import { readTags } from '../tags/headers';
import { TagIndex } from '../tags/tag-index';
import { tagPlanOptions } from './tag-plan';
import { TagQueue, type TagItem } from './tag-queue';
import type { PageCheck } from './freshness/probe';
import { Verifier } from './freshness/verifier';
import { OriginWork } from './origin/work';

/** What the scheduler needs to know about its distribution, sent with every enqueue. */
export interface DistributionSnapshot {
  name: string;
  config: DistributionConfig;
}

type TagStatus = ReturnType<PurgeScheduler['tagStatus']>;
type OriginStatus = ReturnType<OriginWork['status']>;

/** After a pass fails outright (bad settings, unreadable config), try again this much later. */
const RETRY_AFTER_ERROR_MS = 30_000;

export class PurgeScheduler extends DurableObject<Env> {
  private readonly store: QueueStore;
  private readonly state: SchedulerState;
  private readonly tags: TagIndex;
  private readonly tagQueue: TagQueue;
  private readonly crawler: Crawler;
  private readonly verifier: Verifier;
  private readonly origin: OriginWork;
  private running: Promise<void> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new QueueStore(ctx.storage.sql);
    this.state = this.store.getMeta<SchedulerState>('state') ?? initialState();
    this.tags = new TagIndex(ctx.storage.sql);
    this.tagQueue = new TagQueue(ctx.storage.sql);
    this.verifier = new Verifier(ctx.storage.sql, this.store, this.tags);
    this.origin = new OriginWork(ctx.storage.sql, this.store, this.tagQueue);
    this.crawler = new Crawler(ctx.storage.sql, {
      get: () => this.store.getMeta<CrawlProgress>('crawl'),
      set: (progress) => this.store.setMeta('crawl', progress),
      sync: () => ctx.storage.sync(),
    });
  }

  /** Stores the paths and cache tags; once this returns they are durable and will be sent. */
  async enqueue(
    distribution: DistributionSnapshot,
    eventId: string,
    items: EnqueueItem[],
    tags: TagItem[] = [],
  ): Promise<{ queued: number } & SendEstimate> {
    const now = Date.now();
    this.store.setMeta('distribution', distribution);
    // Origin steps and the freshness gate hold the paths first (origin/); otherwise they are queued for the CDN.
    if (!this.origin.hold(distribution.config, eventId, items, tags, now)) {
      this.store.enqueue(items, eventId, now);
      this.tagQueue.enqueue(tags, eventId, now);
    }
    // Coalesce: wait a moment for more paths, but never push an earlier alarm later.
    await this.wake(now + distribution.config.coalesceMs);
    return { queued: items.length, ...estimateFor(await this.facts(distribution.config), items) };
  }

  /** Everything known about one path: ledger history, queue, dead letter, hold, tags (path-report.ts). */
  async pathReport(config: DistributionConfig, path: string) {
    return { ...pathReport(await this.facts(config), path), tags: this.tags.tagsOf(path) };
  }

  /** When each path of an event went live (its first fresh check), for the event journey. */
  async liveTimes(eventId: string) {
    return liveTimes(this.ctx.storage.sql, eventId);
  }

  private async facts(config: DistributionConfig) {
    const { store, state } = this;
    return { sql: this.ctx.storage.sql, store, state, config, alarm: await this.ctx.storage.getAlarm(), now: Date.now() };
  }

  override async alarm(): Promise<void> {
    // One pass at a time: an alarm that fires while a pass awaits Gotipath joins it.
    this.running ??= this.cycle().finally(() => (this.running = undefined));
    await this.running;
  }

  /** The status under the distribution's config as the caller (the admin API, with the live config) knows it. */
  async status(config: DistributionConfig): Promise<SchedulerStatus & { tags: TagStatus; origin: OriginStatus }> {
    const now = Date.now();
    const base = describeStatus(
      this.store,
      this.state,
      config,
      await this.ctx.storage.getAlarm(),
      now,
      this.verifier.status(now),
    );
    // Cheap parts only (the status is polled); GET /admin/tags adds the sizes that scan the index.
    return { ...base, tags: this.tagStatus(false), origin: this.origin.status() };
  }

  /** Index rows, queued tags, the latest expansions and the crawl's progress; `full` adds distinct counts and the largest tags. */
  tagStatus(full = true) {
    const light = { entries: this.tags.count(), queued: this.tagQueue.pending(), expansions: this.tagQueue.expansions() };
    return { ...light, ...(full && this.tags.summary(10)), crawl: this.crawler.progress() };
  }

  /** Records each page's full set of tags (the report endpoint, warming GETs). */
  async learnTags(config: DistributionConfig, reports: { path: string; tags: string[] }[]) {
    return this.tags.learn(reports, config.tags, Date.now());
  }

  /** The paths a tag reaches now, and the tags a path carries, each with when it was last seen. */
  async tagPaths(tag: string, config: DistributionConfig) {
    return this.tags.pathsOf(tag, config.tags, Date.now());
  }

  async pathTags(path: string) {
    return this.tags.tagsOf(path);
  }

  /** Starts a sitemap crawl (the cron trigger, or an admin); one already running goes on. */
  async startCrawl(distribution: DistributionSnapshot): Promise<{ started: boolean; crawl: CrawlProgress }> {
    const sitemap = distribution.config.tags.crawl?.sitemapPath ?? '/sitemap.xml';
    if (!this.snapshot()) this.store.setMeta('distribution', distribution);
    const started = this.crawler.start(sitemap, Date.now());
    await this.wake(Date.now());
    return { started, crawl: this.crawler.progress() };
  }

  /** Checks one page at the origin and through the edge now, at the origin's pace; nothing is written. */
  async checkNow(config: DistributionConfig, path: string): Promise<PageCheck> {
    return this.verifier.checkNow(this.env, this.snapshot()?.name ?? config.id, config, path);
  }

  /** Calls and purged paths per minute over the last hour (the console's chart). */
  async timeline(bucketMs = 60_000): Promise<Timeline> {
    return this.store.callLog.timeline(Date.now(), bucketMs);
  }

  /** The latest calls with their paths and events (GET /admin/activity). */
  async calls(query: CallQuery) {
    return this.store.ledger.calls(query);
  }

  async journey(eventId: string) {
    return this.store.ledger.journey(eventId);
  }

  async deadLetters() {
    return [...this.store.deadLetters(), ...this.origin.deadLetters()];
  }

  /** Queues dead letters again or forgets them (`paths` undefined: all); returns how many. */
  async resolveDeadLetters(action: 'retry' | 'drop', paths?: string[]): Promise<number> {
    const count = this.store.resolveDeadLetters(action, paths, Date.now()) + this.origin.resolve(action, paths, Date.now());
    if (action === 'retry' && count > 0) await this.wake(Date.now());
    return count;
  }

  /** The doctor's checks against Gotipath: Get Distribution, and with `probePath` one real URL purge. */
  async diagnose(config: DistributionConfig, api: RelayConfig['gotipath'], probePath?: string): Promise<Diagnosis> {
    const client = this.client(api);
    const gate = accountGate(this.env, api.accountLimit, 2 * api.timeoutMs);
    return diagnose({ store: this.store, state: this.state, client, gate, distributionId: config.id, config, api, probePath });
  }

  /** An admin's word that the credentials (or Gotipath) work again: lift every hold and send now. */
  async resume(): Promise<void> {
    resumeState(this.state);
    this.store.setMeta('state', this.state);
    await this.wake(Date.now());
  }

  /**
   * Queues every waiting tag as the paths the index gives it now, each path's ledger row saying which tag
   * it came from (the same path from a rule's own list is queued once); a tag past its limit is folded.
   */
  private expandTags(config: DistributionConfig, now: number): void {
    const pathsOf = (tag: string) => this.tags.pathsOf(tag, config.tags, now).map((p) => p.path);
    for (const { tag, priority, event, rule, plan } of this.tagQueue.take(pathsOf, tagPlanOptions(config), now)) {
      const item = (kind: 'url' | 'pattern', path: string) => ({ kind, path, priority, ruleId: rule ?? undefined });
      const detail = `tag ${tag}`;
      this.store.enqueue(
        plan.urls.map((p) => item('url', p)),
        event,
        now,
        detail,
      );
      this.store.enqueue(
        plan.patterns.map((g) => item('pattern', g.pattern)),
        event,
        now,
        detail,
      );
      const { escalation } = plan;
      if (escalation) this.store.recordEscalation('pattern', escalation.reason, escalation.paths, escalation.patterns, now);
    }
  }

  /** A Gotipath client with the Worker's credentials (a missing one throws, naming it). */
  private client(api: RelayConfig['gotipath']) {
    const settings = readSettings(this.env);
    return createGotipathClient({
      baseUrl: settings.GOTIPATH_API_BASE,
      clientId: settings.GOTIPATH_CLIENT_ID,
      libraryId: settings.GOTIPATH_LIBRARY_ID,
      apiKey: settings.GOTIPATH_API_KEY,
      api,
    });
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

  /**
   * Runs the freshness checks due now, none started after `purgeAt` (checks never hold up a send); a page purged
   * again wakes the scheduler at once to send it.
   */
  private async verify(snapshot: DistributionSnapshot, purgeAt: number | undefined): Promise<number | undefined> {
    try {
      const { config } = await this.live(snapshot);
      const { wakeAt, repurged } = await this.verifier.run(this.env, snapshot.name, config, purgeAt);
      return repurged > 0 ? Date.now() : wakeAt;
    } catch (error) {
      log('error', 'verification run failed', { distributionId: snapshot.config.id, error: String(error) });
      return Date.now() + RETRY_AFTER_ERROR_MS;
    }
  }

  /** Runs the origin steps and the gate's polls due now; what they release joins this alarm's purge pass. */
  private async originWork(snapshot: DistributionSnapshot): Promise<number | undefined> {
    try {
      const { config } = await this.live(snapshot);
      return await this.origin.run(this.env, snapshot.name, config);
    } catch (error) {
      log('error', 'origin work failed', { distributionId: snapshot.config.id, error: String(error) });
      return Date.now() + RETRY_AFTER_ERROR_MS;
    }
  }

  /**
   * One alarm: origin work (steps, the gate), a purge pass, a crawl run when one is under way, then the freshness checks due; the earliest of
   * their next times wins.
   */
  private async cycle(): Promise<void> {
    const snapshot = this.snapshot();
    if (!snapshot) return;
    const originAt = await this.originWork(snapshot);
    const purgeAt = await this.pass(snapshot);
    let crawlAt: number | undefined;
    try {
      if (this.crawler.progress().state === 'running')
        crawlAt = await this.crawler.step((await this.live(snapshot)).config, this.tags, Date.now);
    } catch (error) {
      log('error', 'crawl run failed', { distributionId: snapshot.config.id, error: String(error) });
      crawlAt = Date.now() + RETRY_AFTER_ERROR_MS;
    }
    const checkAt = await this.verify(snapshot, purgeAt);
    noticePass(this.env, this.ctx.storage.sql, this.store, this.state, snapshot, Date.now());
    const next = [originAt, purgeAt, crawlAt, checkAt].filter((t): t is number => t !== undefined);
    if (next.length > 0) await this.ctx.storage.setAlarm(Math.max(Math.min(...next), Date.now() + 50));
  }

  private async pass(snapshot: DistributionSnapshot): Promise<number | undefined> {
    let wakeAt: number | undefined;
    try {
      const { config, api } = await this.live(snapshot);
      wakeAt = await flush({
        store: this.store,
        client: this.client(api),
        state: this.state,
        distributionId: snapshot.config.id,
        config,
        timeoutMs: api.timeoutMs,
        gate: accountGate(this.env, api.accountLimit, 2 * api.timeoutMs),
        fingerprint: JSON.stringify([api.purgeTypes, api.prefetchPath]),
        expandTags: (now) => this.expandTags(config, now),
        onPurged: (batch, covered, at) => this.verifier.purged(config, batch, covered, at),
        learnTags: (seen) =>
          this.tags.learn(
            seen.map(({ path, headers }) => ({ path, tags: readTags(headers, config.tags.headers) })),
            config.tags,
            Date.now(),
          ),
      });
    } catch (error) {
      // Bad settings, an unreadable config, a storage error: keep every path and try again later.
      log('error', 'purge pass failed', { distributionId: snapshot.config.id, error: String(error) });
      wakeAt = Date.now() + RETRY_AFTER_ERROR_MS;
    } finally {
      this.store.setMeta('state', this.state);
      this.store.ledger.prune(Date.now());
    }
    return wakeAt;
  }
}

/** The scheduler of one distribution, keyed by its Gotipath id so renaming it in the config keeps its queue. */
export function schedulerFor(env: Env, distributionId: string) {
  return env.PURGE_SCHEDULER.get(env.PURGE_SCHEDULER.idFromName(distributionId));
}
