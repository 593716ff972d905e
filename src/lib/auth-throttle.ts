// Throttling of wrong credentials per client (issue 14, I2): the admin token (API and console login) and the tag
// report token. One AuthThrottle Durable Object per realm and client IP (`CF-Connecting-IP`) keeps the failures of
// a sliding window; each isolate remembers which clients are blocked. A blocked client is refused (429) before its
// token is compared; a right token costs nothing (no call), a wrong one one call. Webhooks are never throttled here.
import { DurableObject } from 'cloudflare:workers';
import { log } from './log';

/** Wrong tokens a client may send in the window; the one that reaches it is answered 429. */
export const AUTH_FAILURE_LIMIT = 10;
/** The sliding window, in ms. */
export const AUTH_FAILURE_WINDOW_MS = 10 * 60_000;

/**
 * When a client with failures at these times (ms) may try again: once all but `limit - 1` of them are older than
 * the window. Undefined when it may now. Pure.
 */
export function blockedUntil(
  times: readonly number[],
  now: number,
  limit = AUTH_FAILURE_LIMIT,
  windowMs = AUTH_FAILURE_WINDOW_MS,
): number | undefined {
  const recent = times.filter((t) => t > now - windowMs).sort((a, b) => a - b);
  return recent.length < limit ? undefined : recent[recent.length - limit]! + windowMs;
}

/** The failures of one client in one realm (`admin:203.0.113.9`): a table of times, emptied when they age out. */
export class AuthThrottle extends DurableObject<Env> {
  /** Records a failure; returns until when the client is blocked (undefined: it is not). */
  async fail(now = Date.now()): Promise<number | undefined> {
    const sql = this.ctx.storage.sql;
    // Here, not in the constructor: the alarm's deleteAll drops the table while the object lives on.
    sql.exec(`CREATE TABLE IF NOT EXISTS failures (at INTEGER NOT NULL)`);
    sql.exec(`DELETE FROM failures WHERE at <= ?`, now - AUTH_FAILURE_WINDOW_MS);
    sql.exec(`INSERT INTO failures (at) VALUES (?)`, now);
    const times = sql
      .exec<{ at: number }>(`SELECT at FROM failures`)
      .toArray()
      .map((r) => r.at);
    await this.ctx.storage.setAlarm(now + AUTH_FAILURE_WINDOW_MS);
    return blockedUntil(times, now);
  }

  /** The window has passed since the last failure: nothing is kept for this client. */
  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}

/** Clients this isolate knows are blocked: key → until (ms). Bounded; the oldest entry goes first. */
const blocked = new Map<string, number>();
const MEMO_LIMIT = 1000;

/** The throttle's key for a request, or undefined without `CF-Connecting-IP` (set by Cloudflare's edge; absent locally). */
export function clientKey(realm: string, headers: Headers): string | undefined {
  const ip = headers.get('cf-connecting-ip');
  return ip ? `${realm}:${ip}` : undefined;
}

/** Seconds a client must wait before its token is even compared, or undefined. No I/O. */
export function waitBeforeTrying(key: string | undefined, now = Date.now()): number | undefined {
  const until = key === undefined ? undefined : blocked.get(key);
  if (until === undefined) return undefined;
  if (until > now) return Math.ceil((until - now) / 1000);
  blocked.delete(key!);
  return undefined;
}

/** Records a wrong token; the seconds to wait when the client is now blocked, else undefined. Fails open. */
export async function recordFailure(env: Env, key: string | undefined, now = Date.now()): Promise<number | undefined> {
  if (key === undefined) return undefined;
  let until: number | undefined;
  try {
    until = await env.AUTH_THROTTLE.get(env.AUTH_THROTTLE.idFromName(key)).fail(now);
  } catch (error) {
    // The token was wrong whatever happens here: the caller still gets its 401.
    log('warn', 'could not record a failed login', { error: String(error) });
    return undefined;
  }
  if (until === undefined) return undefined;
  if (blocked.size >= MEMO_LIMIT) blocked.delete(blocked.keys().next().value!);
  blocked.set(key, until);
  return Math.ceil((until - now) / 1000);
}
