// AccountLimiter: one Durable Object for the relay's Gotipath account, granting slots in its general limit
// (4 requests per second, published) to every scheduler before each call. Only schedulers and the doctor call it,
// never the webhook path. Slots live in its SQLite, so a restart forgets none that still count.
import { DurableObject } from 'cloudflare:workers';
import { liveSlots, nextStart, type AccountLimit, type Slot } from './account-window';

/** How long a caller waits for a slot before it gives up (its scheduler then tries again a moment later). */
const MAX_WAIT_MS = 30_000;
/** While the next free moment hangs on a call in flight, look again this often (a release wakes waiters sooner). */
const POLL_MS = 50;

const SCHEMA = `CREATE TABLE IF NOT EXISTS slots (
  id INTEGER PRIMARY KEY, granted_at INTEGER NOT NULL, ended_at INTEGER, hold_until INTEGER NOT NULL
)`;

export class AccountLimiter extends DurableObject<Env> {
  private readonly waiters = new Set<() => void>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(SCHEMA);
  }

  /**
   * Waits for a slot and takes it; its id, or null when none came within `maxWaitMs`. `holdMs`: how long the call
   * may take at most (the client's timeout with a margin), after which an unreleased slot is taken as ended.
   */
  async acquire(limit: AccountLimit, holdMs: number, maxWaitMs = MAX_WAIT_MS): Promise<number | null> {
    const deadline = Date.now() + Math.min(maxWaitMs, MAX_WAIT_MS);
    for (;;) {
      const now = Date.now();
      const slots = this.slots(limit, now);
      const at = nextStart(slots, limit, now);
      if (at !== undefined && at <= now) return this.take(now, holdMs);
      if (now >= deadline) return null;
      await this.sleep(Math.min(at === undefined ? POLL_MS : at - now, deadline - now));
    }
  }

  /** The call's answer came back: its slot counts one window from now. */
  async release(id: number): Promise<void> {
    this.ctx.storage.sql.exec(`UPDATE slots SET ended_at = ? WHERE id = ? AND ended_at IS NULL`, Date.now(), id);
    for (const wake of [...this.waiters]) wake();
  }

  /** The slots that still count, for the doctor and tests. */
  async snapshot(limit: AccountLimit): Promise<Slot[]> {
    return this.slots(limit, Date.now());
  }

  private slots(limit: AccountLimit, now: number): Slot[] {
    const all = this.ctx.storage.sql
      .exec<{ id: number; granted_at: number; ended_at: number | null; hold_until: number }>(`SELECT * FROM slots`)
      .toArray()
      .map((r) => ({ id: r.id, grantedAt: r.granted_at, endedAt: r.ended_at, holdUntil: r.hold_until }));
    const live = liveSlots(all, limit, now);
    if (live.length < all.length)
      this.ctx.storage.sql.exec(
        `DELETE FROM slots WHERE id NOT IN (SELECT value FROM json_each(?))`,
        JSON.stringify(live.map((s) => s.id)),
      );
    return live;
  }

  private take(now: number, holdMs: number): number {
    return this.ctx.storage.sql
      .exec<{ id: number }>(`INSERT INTO slots (granted_at, hold_until) VALUES (?, ?) RETURNING id`, now, now + holdMs)
      .one().id;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => (clearTimeout(timer), this.waiters.delete(wake), resolve());
      const timer = setTimeout(wake, Math.max(1, ms));
      this.waiters.add(wake);
    });
  }
}

/** What a scheduler asks before a Gotipath call: a slot, released (with the answer) by calling what it returns. */
export interface CallGate {
  acquire(): Promise<(() => Promise<void>) | undefined>;
}

/** The gate of the relay's one Gotipath account (one set of credentials per relay, so one limiter). */
export function accountGate(env: Env, limit: AccountLimit, holdMs: number): CallGate {
  const stub = env.ACCOUNT_LIMITER.get(env.ACCOUNT_LIMITER.idFromName('gotipath-account'));
  return {
    async acquire() {
      const id = await stub.acquire(limit, holdMs);
      return id === null ? undefined : () => stub.release(id);
    },
  };
}
