// SourceState: one Durable Object per webhook source, holding what must be strongly consistent about it
// (KV is not): the delivery ids already handled, and the paths last produced for each document.
import { DurableObject } from 'cloudflare:workers';
import { unavailable } from '../errors';
import type { MemoryItem } from '../rules/matcher';
import { notifyFor } from '../notify/client';
import { DeliveryIds, type PriorDelivery } from './delivery-ids';
import { FailingStreak } from './failing-streak';
import { PathMemory, MEMORY_MAX_AGE_MS, type DocumentKey } from './memory';
import { RecentDeliveries, type DeliveryEntry, type RefusalRow } from './recent-deliveries';

/** What `admit` found: a redelivery's first receipt, or each document's remembered paths (in the order asked). */
export type Admission = { prior: PriorDelivery } | { remembered: MemoryItem[][] };

/** What `settle` stores once a webhook's paths are queued. */
export interface Settlement {
  /** Each document's paths to keep (null or empty forgets it); documents left out stay as they are. */
  memory?: readonly { key: DocumentKey; items: readonly MemoryItem[] | null }[];
  /** The delivery key (providers/identity.ts) to answer redeliveries for, with its receipt, for `keepMs`. */
  delivery?: { key: string; receipt: PriorDelivery; keepMs: number };
  /** The accepted delivery's line on the console's Deliveries page. */
  entry?: DeliveryEntry;
}

/** Whether `settle`'s best-effort parts were kept. */
export interface Settled {
  recorded: boolean;
  logged: boolean;
}

/** Runs a best-effort write; false when it threw (the caller logs it). */
function attempt(write: () => void): boolean {
  try {
    write();
    return true;
  } catch {
    return false;
  }
}

export class SourceState extends DurableObject<Env> {
  private readonly deliveryIds: DeliveryIds;
  private readonly memory: PathMemory;
  private readonly recent: RecentDeliveries;
  private readonly streak: FailingStreak;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.deliveryIds = new DeliveryIds(ctx.storage.sql);
    this.memory = new PathMemory(ctx.storage.sql);
    this.recent = new RecentDeliveries(ctx.storage.sql);
    this.streak = new FailingStreak(ctx.storage.sql);
  }

  /** Counts refusals in a row; the one that makes the source failing is handed to the Notifier. */
  private watch(entry: DeliveryEntry): void {
    attempt(() => {
      const failing = this.streak.see(entry);
      if (failing) notifyFor(this.env).post([failing]);
    });
  }

  /** Adds a webhook to the source's recent deliveries (the console's Deliveries page). */
  async logDelivery(entry: DeliveryEntry): Promise<void> {
    this.recent.add(entry);
    this.watch(entry);
  }

  /** The newest verified deliveries first, or those that carried one event id. */
  async recentDeliveries(limit = 100, eventId?: string): Promise<DeliveryEntry[]> {
    return eventId === undefined ? this.recent.newest(limit) : this.recent.byEvent(eventId).deliveries;
  }

  /**
   * The Deliveries page in one call: the newest verified deliveries and, apart, the refusals and repeats counted
   * per minute and reason (or both for one event id).
   */
  async deliveryLog(limit = 100, eventId?: string): Promise<{ deliveries: DeliveryEntry[]; refusals: RefusalRow[] }> {
    if (eventId !== undefined) return this.recent.byEvent(eventId);
    return { deliveries: this.recent.newest(limit), refusals: this.recent.refusals(limit) };
  }

  /**
   * Before a webhook queues anything, in one round trip whatever the number of its events: the receipt
   * given for its delivery key before (a redelivery or a replay), or else the paths remembered for each of
   * its documents.
   */
  async admit(deliveryKey: string | undefined, documents: readonly DocumentKey[]): Promise<Admission> {
    const prior = deliveryKey === undefined ? undefined : this.deliveryIds.find(deliveryKey, Date.now());
    if (prior) return { prior };
    return { remembered: documents.map((key) => this.memory.recall(key)) };
  }

  /**
   * After a webhook's paths are stored in the schedulers, in one round trip and in this order: every
   * document's memory, in one transaction (a failure fails the call, so the caller answers 503), then the
   * delivery key (recorded only once the paths are stored: a failed attempt is never taken for a
   * duplicate), then the recent-deliveries entry. The last two are best effort; the result says whether
   * they were kept.
   */
  async settle(settlement: Settlement): Promise<Settled> {
    const { memory = [], delivery, entry } = settlement;
    const now = Date.now();
    const wakes: number[] = [];
    this.ctx.storage.transactionSync(() => {
      for (const { key, items } of memory) {
        if (!items || items.length === 0) this.memory.forget(key);
        else this.memory.remember(key, items, now);
      }
    });
    if (memory.some((m) => m.items?.length)) wakes.push(now + MEMORY_MAX_AGE_MS);
    const recorded =
      delivery !== undefined && attempt(() => this.deliveryIds.record(delivery.key, delivery.receipt, now + delivery.keepMs));
    if (recorded && delivery) wakes.push(now + delivery.keepMs);
    const logged = entry !== undefined && attempt(() => this.recent.add(entry));
    if (entry) this.watch(entry);
    if (wakes.length > 0) await this.wakeBy(Math.min(...wakes));
    return { recorded, logged };
  }

  /** The paths remembered for a document (empty when none). */
  async recallPaths(key: DocumentKey): Promise<MemoryItem[]> {
    return this.memory.recall(key);
  }

  /** The paths remembered for each document, in the order asked, in one round trip. */
  async recallEach(keys: readonly DocumentKey[]): Promise<MemoryItem[][]> {
    return keys.map((key) => this.memory.recall(key));
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
    const next = [this.deliveryIds.prune(now), this.memory.prune(now)].filter((t): t is number => t !== undefined);
    if (next.length > 0) await this.ctx.storage.setAlarm(Math.min(...next));
  }
}

export function sourceStateFor(env: Env, sourceId: string) {
  return env.SOURCE_STATE.get(env.SOURCE_STATE.idFromName(sourceId));
}

/** The paths remembered for each document (one round trip); a failure to read them is a 503. */
export async function recallEachOr503(env: Env, sourceId: string, keys: readonly DocumentKey[]): Promise<MemoryItem[][]> {
  if (keys.length === 0) return [];
  try {
    return await sourceStateFor(env, sourceId).recallEach(keys);
  } catch (cause) {
    throw unavailable('could not read the remembered paths; retry later', cause);
  }
}

/** The paths remembered for a document; a failure to read them is a 503 so the platform retries. */
export async function recallOr503(env: Env, sourceId: string, key: DocumentKey): Promise<MemoryItem[]> {
  try {
    return await sourceStateFor(env, sourceId).recallPaths(key);
  } catch (cause) {
    throw unavailable('could not read the remembered paths; retry later', cause);
  }
}
