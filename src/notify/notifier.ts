// Notifier: one Durable Object for the relay. Callers hand it events (one RPC) and go on; it keeps them in its own
// SQLite queue, folds bursts into one message per destination, and delivers on alarms within each destination's
// rate, retrying with backoff, recording every attempt. Nothing here ever waits on a purge, nor a purge on this.
import { DurableObject } from 'cloudflare:workers';
import { log, newId } from '../lib/log';
import { loadConfig } from '../rules/store';
import type { ChangeNote } from './change';
import { buildRequest, destinationSecrets, tryOnce } from './deliver';
import { dedupeKey, groupKey, type AnyEvent, type NotifyEvent } from './events';
import { linksFor } from './links';
import { Outbox, type Attempt, type Message } from './outbox';
import { backoffMs, meaning, nextSlot, wants } from './plan';
import { NOTIFICATIONS_DEFAULT, type Destination, type NotificationsConfig } from './schema';
import { statusLinkKey } from './status-link';

/** Messages one destination sends in one alarm at most (its rate decides the rest). */
const PER_RUN = 20;
const DAY_MS = 86_400_000;

export interface DestinationReport {
  id: string;
  kind: Destination['kind'];
  events: string[];
  pending: number;
  sent: number;
  failed: number;
  attempts: Attempt[];
}

export class Notifier extends DurableObject<Env> {
  private readonly outbox: Outbox;
  private running: Promise<void> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.outbox = new Outbox(ctx.storage.sql);
  }

  /** Queues events for every destination that wants them; an event seen before (its key) is dropped. */
  async post(events: NotifyEvent[]): Promise<{ queued: number }> {
    const config = await this.config();
    const now = Date.now();
    let queued = 0;
    for (const event of events) {
      if (config.destinations.every((d) => !wants(d, event))) continue;
      if (!this.outbox.firstSighting(dedupeKey(event), now)) continue;
      for (const d of config.destinations.filter((x) => wants(x, event))) {
        this.outbox.add(d.id, groupKey(event), event, () => newId('msg'), now, now + d.groupWindowMs);
        queued++;
      }
    }
    if (queued > 0) await this.wake();
    return { queued };
  }

  /** Remembers a change (its title, type, paths) for messages and the status page; `origin`: the relay's URL as called. */
  async note(change: ChangeNote, origin?: string): Promise<void> {
    this.outbox.rememberChange(change);
    if (origin) this.outbox.setMeta('origin', origin);
  }

  async change(eventId: string): Promise<ChangeNote | undefined> {
    return this.outbox.change(eventId);
  }

  /** Each configured destination with its message counts and latest attempts (the console, GET /admin/notifications). */
  async report(limit = 20): Promise<DestinationReport[]> {
    const config = await this.config();
    const counts = this.outbox.counts();
    const count = (id: string, state: string) => counts.find((c) => c.destination === id && c.state === state)?.messages ?? 0;
    return config.destinations.map((d) => ({
      id: d.id,
      kind: d.kind,
      events: d.events,
      pending: count(d.id, 'pending'),
      sent: count(d.id, 'sent'),
      failed: count(d.id, 'failed'),
      attempts: this.outbox.attempts(d.id, limit),
    }));
  }

  /** Sends a test message to one destination now (outside its rate, never retried); undefined: no such destination. */
  async sendTest(destinationId: string): Promise<Attempt | undefined> {
    const config = await this.config();
    const d = config.destinations.find((x) => x.id === destinationId);
    if (!d) return undefined;
    const now = Date.now();
    const event: AnyEvent = { type: 'test', destination: d.id, at: now };
    const id = newId('msg');
    this.outbox.add(d.id, groupKey(event), event, () => id, now, now);
    const message = this.outbox.get(id)!;
    return this.deliver(config, { ...d, maxAttempts: 1 }, message);
  }

  override async alarm(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    await this.running;
  }

  private async run(): Promise<void> {
    const config = await this.config();
    const now = Date.now();
    const byDestination = new Map<string, Message[]>();
    for (const m of this.outbox.due(now)) byDestination.set(m.destination, [...(byDestination.get(m.destination) ?? []), m]);
    // Destinations side by side: one that hangs until its timeout does not hold up the others.
    await Promise.all(
      [...byDestination].map(async ([id, messages]) => {
        const d = config.destinations.find((x) => x.id === id);
        for (const message of messages.slice(0, PER_RUN)) {
          if (!d) {
            this.outbox.record(this.failure(message, 'the destination is no longer in the config'));
            continue;
          }
          const slot = nextSlot(this.outbox.attemptTimes(d.id, Date.now() - 60_000), d.ratePerMinute, Date.now());
          if (slot > Date.now()) {
            for (const rest of messages.slice(messages.indexOf(message))) this.outbox.postpone(rest.id, slot);
            break;
          }
          await this.deliver(config, d, message);
        }
      }),
    );
    this.outbox.prune(Date.now(), config.statusLinkDays * DAY_MS);
    await this.wake();
  }

  /** One try: builds and POSTs the message, records the attempt, and schedules a retry when it may help. */
  private async deliver(config: NotificationsConfig, d: Destination, message: Message): Promise<Attempt> {
    const attempt = message.attempts + 1;
    const now = Date.now();
    const secrets = destinationSecrets(this.env, d);
    if ('problem' in secrets) {
      const failed = this.failure(message, secrets.problem);
      this.outbox.record(failed);
      log('warn', 'notification not sent', { destination: d.id, error: secrets.problem });
      return failed;
    }
    const wording = { change: (eventId: string) => this.outbox.change(eventId) };
    const links = await linksFor(message.events, this.baseUrl(config), () => statusLinkKey(this.env), config.statusLinkDays, now);
    const request = await buildRequest(d, secrets.key, message, wording, links, now);
    const result = await tryOnce(secrets.url, request, d.timeoutMs, Date.now);
    let outcome = meaning(result.status);
    if (outcome === 'retry' && attempt >= d.maxAttempts) outcome = 'failed';
    const record: Attempt = {
      at: now,
      destination: d.id,
      message: message.id,
      type: message.type,
      count: message.count,
      attempt,
      status: result.status,
      outcome,
      ...(result.error && { error: result.error }),
      durationMs: result.durationMs,
    };
    const retryAt =
      outcome === 'retry'
        ? Date.now() + Math.max(result.retryAfterMs ?? 0, backoffMs(attempt, d.retryBaseMs, Math.random()))
        : undefined;
    this.outbox.record(record, retryAt);
    if (outcome !== 'sent')
      log('warn', 'notification attempt failed', { destination: d.id, attempt, outcome, error: result.error });
    return record;
  }

  private failure(message: Message, error: string): Attempt {
    const { id, destination, type, count, attempts } = message;
    return {
      at: Date.now(),
      destination,
      message: id,
      type,
      count,
      attempt: attempts + 1,
      status: 0,
      outcome: 'failed',
      error,
      durationMs: 0,
    };
  }

  private baseUrl(config: NotificationsConfig): string | undefined {
    return (config.baseUrl ?? this.outbox.getMeta('origin'))?.replace(/\/+$/, '');
  }

  private async config(): Promise<NotificationsConfig> {
    const loaded = await loadConfig(this.env.CONFIG);
    return loaded?.config.notifications ?? NOTIFICATIONS_DEFAULT;
  }

  private async wake(): Promise<void> {
    const next = this.outbox.nextDue();
    if (next === undefined) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(Math.max(next, Date.now()));
  }
}
