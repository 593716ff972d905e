// SourceState: one Durable Object per webhook source, holding what must be strongly consistent about it
// (KV is not): the delivery ids already handled.
import { DurableObject } from 'cloudflare:workers';
import { DeliveryLog, type PriorDelivery } from './deliveries';
import { RecentDeliveries, type DeliveryEntry } from './deliveries-log';

export class SourceState extends DurableObject<Env> {
  private readonly deliveries: DeliveryLog;
  private readonly recent: RecentDeliveries;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.deliveries = new DeliveryLog(ctx.storage.sql);
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
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null) await this.ctx.storage.setAlarm(now + keepMs);
  }

  override async alarm(): Promise<void> {
    const next = this.deliveries.prune(Date.now());
    if (next !== undefined) await this.ctx.storage.setAlarm(next);
  }
}

export function sourceStateFor(env: Env, sourceId: string) {
  return env.SOURCE_STATE.get(env.SOURCE_STATE.idFromName(sourceId));
}
