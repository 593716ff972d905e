// The cloud push destinations commercetools subscriptions deliver through: Google Pub/Sub push (an OIDC
// JWT in Authorization) and AWS SNS (a signature in the message, checked with the signing certificate).
import { misconfigured, unauthorized } from '../errors';
import { fromBase64, utf8 } from '../lib/bytes';
import { verifyWithAny } from '../lib/crypto';
import { decodeJsonPart, jwsSegments, verifyRs256 } from './jws';
import { isKeyUrl, isPlausibleRsaSignature, verifyWithKeys } from './keys';
import { checkTimestamp, parseJsonBody, record, requireHeader, str } from './support';
import type { WebhookRequest } from './types';

export interface PubSubOptions {
  jwksUrl: string;
  audience: string;
  serviceAccount?: string;
}

/** What a push destination's check needs of the delivery's context. */
export interface PushContext {
  source: string;
  toleranceMs: number;
  now: number;
}

// https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions
const GOOGLE_ISSUERS = new Set(['accounts.google.com', 'https://accounts.google.com']);
/** Clock skew allowed on `exp`. */
const LEEWAY_MS = 60_000;

export async function verifyPubSubPush(
  request: WebhookRequest,
  options: PubSubOptions,
  { source, toleranceMs, now }: PushContext,
): Promise<void> {
  const [scheme, token = ''] = requireHeader(request.headers, 'authorization').split(' ');
  if (scheme?.toLowerCase() !== 'bearer') throw unauthorized('authorization must be a Bearer JWT');
  const [head, body, signature] = jwsSegments(token, 'authorization JWT');
  const header = decodeJsonPart(head);
  const claims = decodeJsonPart(body);
  if (!header || !claims) throw unauthorized('authorization must be a Bearer JWT');
  const data = utf8(`${head}.${body}`);
  await verifyRs256({ header, unencodedPayload: false, signature, data, source, jwksUrl: options.jwksUrl }, now);
  if (!GOOGLE_ISSUERS.has(String(claims.iss))) throw unauthorized('token issuer is not Google');
  if (claims.aud !== options.audience) throw unauthorized('token audience is not the configured audience');
  // Any Google account can mint a token for our URL: only the configured, verified identity counts (F1). A
  // config stored before the account was required has none: a setup error (500, so Pub/Sub keeps retrying).
  if (options.serviceAccount === undefined)
    throw misconfigured(`source "${source}" is a Pub/Sub push source without options.serviceAccount`);
  if (claims.email !== options.serviceAccount) {
    throw unauthorized('token was not issued to the configured service account');
  }
  if (claims.email_verified !== true) throw unauthorized('token email is not verified (email_verified must be true)');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 + LEEWAY_MS < now) throw unauthorized('token has expired (too old)');
  checkTimestamp(typeof claims.iat === 'number' ? claims.iat * 1000 : NaN, now, toleranceMs);
}

export interface SnsOptions {
  topicArn: string;
  certUrlPattern: string;
}

// https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html: `Key\nValue\n` for
// these keys in this order (Subject only when present).
const SIGNED_KEYS: Record<string, string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'],
};

export async function verifySnsMessage(
  request: WebhookRequest,
  options: SnsOptions,
  { source, toleranceMs, now }: PushContext,
): Promise<void> {
  const message = record(parseJsonBody(request.body));
  const signature = str(message.Signature);
  if (!signature) throw unauthorized('missing Signature field in the SNS message');
  // Checked before anything is fetched: an SNS signature is an RSA signature of the certificate's key size.
  const bytes = fromBase64(signature);
  if (!isPlausibleRsaSignature(bytes)) throw unauthorized('malformed Signature field (not an RSA signature)');
  const keys = SIGNED_KEYS[String(message.Type)];
  if (!keys) throw unauthorized('unknown SNS message Type');
  if (message.TopicArn !== options.topicArn) throw unauthorized('TopicArn is not the configured topic');
  // The certificate URL comes from the request, so it must match the configured allow-list.
  const certUrl = str(message.SigningCertURL) ?? '';
  if (!new RegExp(options.certUrlPattern).test(certUrl) || !isKeyUrl(certUrl))
    throw unauthorized('SigningCertURL is not allowed');
  const hash = message.SignatureVersion === '1' ? 'SHA-1' : message.SignatureVersion === '2' ? 'SHA-256' : undefined;
  if (!hash) throw unauthorized('unsupported SNS SignatureVersion');
  checkTimestamp(Date.parse(String(message.Timestamp)), now, toleranceMs);
  const text = keys
    .filter((k) => typeof message[k] === 'string')
    .map((k) => `${k}\n${message[k] as string}\n`)
    .join('');
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash };
  const where = { source, url: certUrl, algorithm, namedByRequest: true };
  const verified = await verifyWithKeys(where, now, (ring) => verifyWithAny(algorithm, ring.all, bytes, utf8(text)));
  if (!verified) throw unauthorized('signature does not match');
}
