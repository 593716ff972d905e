// The editor's status link: /status/{eventId}?exp=<unix s>&sig=<base64url HMAC-SHA256 of "eventId.exp">. The key is
// derived, never the secret itself: HMAC-SHA256(secret, "purge-relay status link v1"), the secret being
// STATUS_LINK_SECRET when set, else ADMIN_TOKEN. Rotating that secret invalidates every link (docs/notifications.md).
import { fromBase64, toBase64Url, utf8 } from '../lib/bytes';
import { hmacSign, verifyHmacAny } from '../lib/crypto';
import { readAdminSettings } from '../settings';

/** A fixed label: a key for status links can sign nothing else (not a console session, not an admin call). */
const LABEL = 'purge-relay status link v1';
const DAY_MS = 86_400_000;

export type LinkVerdict = 'ok' | 'tampered' | 'expired';

/** The link key from the Worker's settings (throws a setup error when neither secret is usable). */
export function statusLinkKey(env: object): Promise<Uint8Array> {
  const settings = readAdminSettings(env);
  return hmacSign('SHA-256', settings.STATUS_LINK_SECRET ?? settings.ADMIN_TOKEN, utf8(LABEL));
}

const signed = (eventId: string, exp: number) => utf8(`${eventId}.${exp}`);

const HOUR_MS = 3_600_000;

/**
 * The path and query of an event's link, valid `days` from `now`, rounded up to the hour: a redelivery answered
 * within the hour gets the very same link as the first delivery.
 */
export async function statusPath(key: Uint8Array, eventId: string, days: number, now: number): Promise<string> {
  const exp = Math.ceil((now + days * DAY_MS) / HOUR_MS) * (HOUR_MS / 1000);
  const sig = toBase64Url(await hmacSign('SHA-256', key, signed(eventId, exp)));
  return `/status/${encodeURIComponent(eventId)}?exp=${exp}&sig=${sig}`;
}

/** Checks a link: its signature first (a changed `exp` is tampering, not expiry), then its time. */
export async function checkStatusLink(
  key: Uint8Array,
  eventId: string,
  exp: string | undefined,
  sig: string | undefined,
  now: number,
): Promise<LinkVerdict> {
  if (!exp || !/^\d{1,12}$/.test(exp) || !sig) return 'tampered';
  const signature = fromBase64(sig);
  if (!signature || signature.length !== 32) return 'tampered';
  const ok = await verifyHmacAny('SHA-256', [key], signed(eventId, Number(exp)), [signature]);
  if (!ok) return 'tampered';
  return Number(exp) * 1000 < now ? 'expired' : 'ok';
}
