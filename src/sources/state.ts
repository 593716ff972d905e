// SourceState: one Durable Object per webhook source, holding what must be strongly consistent about it
// (KV is not): the delivery ids already handled, and the paths last produced for each document.
import { DurableObject } from 'cloudflare:workers';
import type { MemoryItem } from '../rules/matcher';
import { DeliveryLog, type PriorDelivery } from './deliveries';
import { PathMemory, MEMORY_MAX_AGE_MS, type DocumentKey } from './memory';
import { RecentDeliveries, type DeliveryEntry } from './deliveries-log';

export class SourceState extends DurableObject<Env> {
  private readonly deliveries: DeliveryLog;
  private readonly memory: PathMemory;
  private readonly recent: RecentDeliveries;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.deliveries = new DeliveryLog(ctx.storage.sql);
    this.memory = new PathMemory(ctx.storage.sql);
    this.recent = new RecentDeliveries(ctx.storage.sql);
  }

  /** Adds a webhook to the source's recent deliveries (the console's Deliveries page). */
  async logDelivery(entry: DeliveryEntry): Promise<void> {
    this.recent.add(entry);
  }

  /** The newest deliveries first, or those that carried one event id. */
  async recentDeliveries(limit = 100, eventId?: string): Promise<DeliveryEntry[]> {
    return eventId === undefined ? this.recent.newest(limit) : this.recent.byEvent(eventId);
  }

  /** The receipt given for this delivery id before, or undefined when it is new. */
  async priorDelivery(deliveryId: string): Promise<PriorDelivery | undefined> {
    return this.deliveries.find(deliveryId, Date.now());
  }

  /** Remembers a delivery once its paths are stored, for `keepMs`. */
  async recordDelivery(deliveryId: string, receipt: PriorDelivery, keepMs: number): Promise<void> {
    const now = Date.now();
    this.deliveries.record(deliveryId, receipt, now + keepMs);
    await this.wakeBy(now + keepMs);
  }

  /** The paths remembered for a document (empty when none). */
  async recallPaths(key: DocumentKey): Promise<MemoryItem[]> {
    return this.memory.recall(key);
  }

  /** Replaces the paths remembered for a document; null (or an empty list) forgets it. */
  async updatePaths(key: DocumentKey, items: readonly MemoryItem[] | null): Promise<void> {
    if (!items || items.length === 0) return this.memory.forget(key);
    const now = Date.now();
    this.memory.remember(key, items, now);
    await this.wakeBy(now + MEMORY_MAX_AGE_MS);
  }

  /** Replaces the paths of many documents at once (seeding from a catalog). */
  async seedPaths(entries: readonly { key: DocumentKey; items: readonly MemoryItem[] }[]): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      for (const { key, items } of entries) {
        if (items.length === 0) this.memory.forget(key);
        else this.memory.remember(key, items, Date.now());
      }
    });
    await this.wakeBy(Date.now() + MEMORY_MAX_AGE_MS);
  }

  /** Makes sure an alarm fires no later than `at` (an earlier one stays). */
  private async wakeBy(at: number): Promise<void> {
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > at) await this.ctx.storage.setAlarm(at);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const next = [this.deliveries.prune(now), this.memory.prune(now)].filter((t): t is number => t !== undefined);
    if (next.length > 0) await this.ctx.storage.setAlarm(Math.min(...next));
  }
}

export function sourceStateFor(env: Env, sourceId: string) {
  return env.SOURCE_STATE.get(env.SOURCE_STATE.idFromName(sourceId));
}
