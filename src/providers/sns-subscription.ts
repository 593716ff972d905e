// AWS SNS control messages, handled once the signature, TopicArn and certificate checks have passed: a
// SubscriptionConfirmation is confirmed by visiting its SubscribeURL (only AWS's own ConfirmSubscription
// URL), an UnsubscribeConfirmation is noted. AWS sends nothing else until the subscription is confirmed.
// https://docs.aws.amazon.com/sns/latest/dg/http-subscription-confirmation-json.html
import { badRequest, unavailable } from '../errors';
import { parseJsonBody, record, str } from './support';
import type { Handshake, WebhookRequest } from './types';

/** AWS's ConfirmSubscription URL in any region and partition: `https://sns.<region>.amazonaws.com[.cn]/?Action=ConfirmSubscription&…`. */
export const SUBSCRIBE_URL = /^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\?Action=ConfirmSubscription&/;

/** A confirmation that takes longer is treated as failed (503): SNS sends the confirmation again. */
const CONFIRM_TIMEOUT_MS = 5_000;

let allowed = SUBSCRIBE_URL;

/**
 * Tests only: lets confirmations go to a loopback stand-in, as certificate URLs are pointed at one. Neither
 * the config nor a request can reach it; in production the pattern is always SUBSCRIBE_URL.
 */
export function allowSubscribeUrlsForTests(pattern: RegExp | undefined): void {
  allowed = pattern ?? SUBSCRIBE_URL;
}

/** True when `url` is one the relay may visit to confirm a subscription. */
export const isSubscribeUrl = (url: string, pattern: RegExp = SUBSCRIBE_URL): boolean => pattern.test(url);

/** Confirms a verified SubscriptionConfirmation, notes an UnsubscribeConfirmation; undefined for a Notification. */
export async function snsHandshake(request: WebhookRequest): Promise<Handshake | undefined> {
  const message = record(parseJsonBody(request.body));
  if (message.Type === 'UnsubscribeConfirmation') {
    return { topic: 'UnsubscribeConfirmation', message: 'SNS unsubscribe confirmation received; nothing to do' };
  }
  if (message.Type !== 'SubscriptionConfirmation') return undefined;
  const url = str(message.SubscribeURL) ?? '';
  if (!isSubscribeUrl(url, allowed)) {
    throw badRequest('SubscribeURL is not an AWS SNS ConfirmSubscription URL; the subscription was not confirmed');
  }
  let status: number;
  try {
    const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(CONFIRM_TIMEOUT_MS) });
    status = response.status;
    await response.body?.cancel();
  } catch (cause) {
    throw unavailable('could not reach the SNS SubscribeURL to confirm the subscription; retry later', cause);
  }
  if (status < 200 || status > 299) throw unavailable(`SNS answered ${status} to the subscription confirmation; retry later`);
  return { topic: 'SubscriptionConfirmation', message: 'SNS subscription confirmed (SubscribeURL visited)' };
}
