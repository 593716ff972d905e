// The config's `notifications` block: where to push what the relay learns (Slack, signed webhooks), and the
// status link's lifetime. Static checks only; the secrets' values are checked on save (notify/secrets.ts).
import * as z from 'zod/mini';
import { RELAY_SETTINGS } from '../settings';

/** Every event a destination may subscribe to (docs/notifications.md "Events"). */
export const EVENT_TYPES = [
  'event.live',
  'event.stuck',
  'distribution.held',
  'distribution.resumed',
  'dead_letter.added',
  'staleness.missed',
  'escalation',
  'source.failing',
] as const;

export const SEVERITIES = ['info', 'warning', 'critical'] as const;

const NAME = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"'));
const SECRET_NAME = z.string().check(
  z.regex(/^[A-Z][A-Z0-9_]*$/, 'a Worker secret name in SCREAMING_SNAKE_CASE'),
  z.refine(
    (name) => !RELAY_SETTINGS.includes(name),
    `is one of the relay's own settings (${RELAY_SETTINGS.join(', ')}); name a Worker secret of its own`,
  ),
);
const intBetween = (min: number, max: number, fallback: number) =>
  z._default(z.number().check(z.int(), z.gte(min), z.lte(max)), fallback);
const names = z.optional(z.array(NAME).check(z.minLength(1), z.maxLength(100)));

const Destination = z
  .strictObject({
    id: NAME,
    kind: z.enum(['slack', 'webhook']),
    /** The Worker secret holding the URL (a Slack incoming-webhook URL is itself a credential). */
    urlSecret: SECRET_NAME,
    /** webhook: the Worker secret holding the Standard Webhooks signing key (`whsec_` + base64). */
    signingSecret: z.optional(SECRET_NAME),
    events: z.array(z.enum(EVENT_TYPES)).check(z.minLength(1)),
    /** Only events about these sources, distributions (names) or rules; absent: all. */
    filter: z._default(z.strictObject({ sources: names, distributions: names, rules: names }), {}),
    minSeverity: z._default(z.enum(SEVERITIES), 'info'),
    /** Messages per minute at most; the rest wait (Slack allows about one per second per webhook). */
    ratePerMinute: intBetween(1, 600, 20),
    /** Events of one kind within this window go out as one message (a burst of dead letters: one message). */
    groupWindowMs: intBetween(0, 600_000, 10_000),
    /** Tries per message before it is given up (recorded as failed). */
    maxAttempts: intBetween(1, 20, 8),
    /** First retry delay; doubles each time (with jitter), at most an hour. */
    retryBaseMs: intBetween(100, 3_600_000, 5_000),
    /** One try gives up after this long (a receiver that hangs is tried again later). */
    timeoutMs: intBetween(500, 30_000, 10_000),
  })
  .check(
    z.refine((d) => d.kind !== 'webhook' || d.signingSecret !== undefined, {
      message: 'a webhook destination needs signingSecret (a Standard Webhooks key, whsec_…)',
      path: ['signingSecret'],
    }),
    z.refine((d) => d.kind !== 'slack' || d.signingSecret === undefined, {
      message: 'Slack messages are not signed: leave signingSecret out',
      path: ['signingSecret'],
    }),
  );

export const Notifications = z.strictObject({
  /** The relay's public URL (https://purge-relay.example.workers.dev), for console and status links in messages. */
  baseUrl: z.optional(z.url({ protocol: /^https?$/ })),
  /** How long a status link works, in days. */
  statusLinkDays: intBetween(1, 90, 7),
  destinations: z._default(
    z.array(Destination).check(
      z.maxLength(20),
      z.refine((list) => new Set(list.map((d) => d.id)).size === list.length, 'destination ids must be unique'),
    ),
    [],
  ),
});

export const NOTIFICATIONS_DEFAULT = { statusLinkDays: 7, destinations: [] };

export type NotificationsConfig = z.infer<typeof Notifications>;
export type Destination = NotificationsConfig['destinations'][number];
export type EventType = (typeof EVENT_TYPES)[number];
export type Severity = (typeof SEVERITIES)[number];
