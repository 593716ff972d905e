// One try of one message: the destination's URL and key from its Worker secrets, the body for its kind, one POST
// with a timeout and no redirects. Never throws: every outcome comes back as a status (0 when none) and a reason.
import { secretValueProblem, workerSecret } from '../settings';
import type { AnyEvent } from './events';
import type { Destination } from './schema';
import { slackMessage, type Link } from './slack';
import { webhookBody, webhookHeaders, webhookKey } from './standard-webhooks';
import type { Wording } from './words';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** Why a URL may not receive notifications, or undefined: https only, http only to a loopback address (local development). */
export function urlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return undefined;
  return 'must be an https URL (http only for localhost/127.0.0.1 in local development)';
}

/** The destination's secrets read and checked; a problem names the secret, never its value. */
export function destinationSecrets(env: object, d: Destination): { url: string; key?: Uint8Array } | { problem: string } {
  const url = workerSecret(env, d.urlSecret);
  if (url === undefined) return { problem: `Worker secret ${d.urlSecret} (urlSecret) is not set` };
  const urlIssue = secretValueProblem(url) ?? urlProblem(url);
  if (urlIssue) return { problem: `Worker secret ${d.urlSecret} (urlSecret) ${urlIssue}` };
  if (d.kind === 'slack') return { url: url.trim() };
  const name = d.signingSecret ?? '';
  const secret = workerSecret(env, name);
  if (secret === undefined) return { problem: `Worker secret ${name} (signingSecret) is not set` };
  const key = webhookKey(secret.trim());
  if (!key) return { problem: `Worker secret ${name} (signingSecret) must be whsec_ followed by base64` };
  return { url: url.trim(), key };
}

export interface Try {
  status: number;
  durationMs: number;
  error?: string;
  /** A 429's or 503's Retry-After, in ms. */
  retryAfterMs?: number;
}

/** The request for one message of a group of events. */
export async function buildRequest(
  d: Destination,
  key: Uint8Array | undefined,
  message: { id: string; events: readonly AnyEvent[]; count: number },
  wording: Omit<Wording, 'bold'>,
  links: readonly Link[],
  now: number,
): Promise<{ headers: Record<string, string>; body: string }> {
  if (d.kind === 'slack' || !key)
    return {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(slackMessage(message.events, wording, links, message.count)),
    };
  const body = webhookBody(message.events, wording, links, now, message.count);
  return { headers: await webhookHeaders(key, message.id, now, body), body };
}

const retryAfter = (value: string | null): number | undefined => {
  if (!value || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Number(value) * 1000;
};

/** POSTs the body; a redirect is not followed (it would send the message where the config did not say). */
export async function tryOnce(
  url: string,
  request: { headers: Record<string, string>; body: string },
  timeoutMs: number,
  now: () => number,
): Promise<Try> {
  const start = now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    // The body is read only to free the connection; its content is not kept (it could echo anything).
    await response.body?.cancel();
    const durationMs = now() - start;
    const ra = retryAfter(response.headers.get('retry-after'));
    if (response.ok) return { status: response.status, durationMs };
    return {
      status: response.status,
      durationMs,
      error: `answered ${response.status}`,
      ...(ra !== undefined && { retryAfterMs: ra }),
    };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { status: 0, durationMs: now() - start, error: timedOut ? `no answer within ${timeoutMs} ms` : 'could not connect' };
  }
}
