// Console sessions: a signed, expiring cookie value and a per-session CSRF token, both HMAC-SHA256 under a
// key derived from ADMIN_TOKEN (rotating the token ends every session).
import { fromBase64, toBase64Url, utf8 } from '../lib/bytes';
import { hmacSign, verifyHmacAny } from '../lib/crypto';

/** How long a login lasts; absolute, not sliding. */
export const SESSION_TTL_MS = 8 * 3_600_000;
export const SESSION_COOKIE = 'purge_relay_session';
// A label, so the derived key can never equal a MAC the relay computes for anything else.
const KEY_LABEL = utf8('purge-relay/console-session/v1');

export interface Session {
  expiresAt: number;
  /** Random per login; the CSRF token is derived from it. */
  nonce: string;
  csrf: string;
}

const sessionKey = (adminToken: string) => hmacSign('SHA-256', adminToken, KEY_LABEL);
const mac = async (adminToken: string, text: string) => hmacSign('SHA-256', await sessionKey(adminToken), utf8(text));

async function session(adminToken: string, expiresAt: number, nonce: string): Promise<Session> {
  return { expiresAt, nonce, csrf: toBase64Url(await mac(adminToken, `csrf.${nonce}`)) };
}

/** A new session and its cookie value `v1.<expiry base36>.<nonce>.<mac>`. */
export async function issueSession(adminToken: string, now = Date.now()): Promise<{ session: Session; cookie: string }> {
  const nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  const payload = `v1.${(now + SESSION_TTL_MS).toString(36)}.${nonce}`;
  const cookie = `${payload}.${toBase64Url(await mac(adminToken, payload))}`;
  return { session: await session(adminToken, now + SESSION_TTL_MS, nonce), cookie };
}

/** Verifies a cookie value (MAC compared in constant time) and its expiry; undefined when either fails. */
export async function readSession(
  adminToken: string,
  cookie: string | undefined,
  now = Date.now(),
): Promise<Session | undefined> {
  const match = /^(v1\.([0-9a-z]{1,12})\.([\w-]{22}))\.([\w-]{43})$/.exec(cookie ?? '');
  const signature = match?.[4] && fromBase64(match[4]);
  if (!match?.[1] || !match[2] || !match[3] || !signature) return undefined;
  const ok = await verifyHmacAny('SHA-256', [await sessionKey(adminToken)], utf8(match[1]), [signature]);
  const expiresAt = parseInt(match[2], 36);
  return ok && expiresAt > now ? session(adminToken, expiresAt, match[3]) : undefined;
}

/** True when the form's token is this session's CSRF token, compared in constant time. */
export async function csrfMatches(adminToken: string, current: Session, given: unknown): Promise<boolean> {
  const bytes = typeof given === 'string' && /^[\w-]{43}$/.test(given) ? fromBase64(given) : undefined;
  if (!bytes) return false;
  return verifyHmacAny('SHA-256', [await sessionKey(adminToken)], utf8(`csrf.${current.nonce}`), [bytes]);
}
