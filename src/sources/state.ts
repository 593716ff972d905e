// SourceState: one Durable Object per webhook source, holding what must be strongly consistent about it
// (KV is not): the delivery ids already handled, and the paths last produced for each document.
import { DurableObject } from 'cloudflare:workers';
import { unavailable } from '../errors';
import type { MemoryItem } from '../rules/matcher';
import { DeliveryIds, type PriorDelivery } from './delivery-ids';
import { PathMemory, MEMORY_MAX_AGE_MS, type DocumentKey } from './memory';
import { RecentDeliveries, type DeliveryEntry } from './recent-deliveries';

/** What `admit` found: a redelivery's first receipt, or the document's remembered paths. */
export type Admission = { prior: PriorDelivery } | { remembered: MemoryItem[] };

/** What `settle` stores once a webhook's paths are queued. */
export interface Settlement {
  /** The document's paths to keep (null or empty forgets it); left out when the memory stays as it is. */
  memory?: { key: DocumentKey; items: readonly MemoryItem[] | null };
  /** The delivery id to answer redeliveries for, with its receipt, for `keepMs`. */
  delivery?: { id: string; receipt: PriorDelivery; keepMs: number };
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

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.deliveryIds = new DeliveryIds(ctx.storage.sql);
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

  /**
   * Before a webhook queues anything, in one round trip: the receipt given for its delivery id before
   * (a redelivery), or else the paths remembered for its document (empty when none or no key).
   */
  async admit(deliveryId: string | undefined, key: DocumentKey | undefined): Promise<Admission> {
    const prior = deliveryId === undefined ? undefined : this.deliveryIds.find(deliveryId, Date.now());
    if (prior) return { prior };
    return { remembered: key ? this.memory.recall(key) : [] };
  }

  /**
   * After a webhook's paths are stored in the schedulers, in one round trip and in this order: the
   * document's memory (a failure fails the call, so the caller answers 503), then the delivery id
   * (recorded only once the paths are stored: a failed attempt is never taken for a duplicate), then
   * the recent-deliveries entry. The last two are best effort; the result says whether they were kept.
   */
  async settle(settlement: Settlement): Promise<Settled> {
    const { memory, delivery, entry } = settlement;
    const now = Date.now();
    const wakes: number[] = [];
    if (memory) {
      if (!memory.items || memory.items.length === 0) this.memory.forget(memory.key);
      else this.memory.remember(memory.key, memory.items, now);
      if (memory.items?.length) wakes.push(now + MEMORY_MAX_AGE_MS);
    }
    const recorded =
      delivery !== undefined && attempt(() => this.deliveryIds.record(delivery.id, delivery.receipt, now + delivery.keepMs));
    if (recorded && delivery) wakes.push(now + delivery.keepMs);
    const logged = entry !== undefined && attempt(() => this.recent.add(entry));
    if (wakes.length > 0) await this.wakeBy(Math.min(...wakes));
    return { recorded, logged };
  }

  /** The paths remembered for a document (empty when none). */
  async recallPaths(key: DocumentKey): Promise<MemoryItem[]> {
    return this.memory.recall(key);
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

/** The paths remembered for a document; a failure to read them is a 503 so the platform retries. */
export async function recallOr503(env: Env, sourceId: string, key: DocumentKey): Promise<MemoryItem[]> {
  try {
    return await sourceStateFor(env, sourceId).recallPaths(key);
  } catch (cause) {
    throw unavailable('could not read the remembered paths; retry later', cause);
  }
}
