// The relay's config document (kept in KV): distributions, sources, rules, schedules. Types derive from it.
import * as z from 'zod/mini';
import { PROVIDER_NAMES } from '../providers/registry';
import { crossCheck } from './cross-check';
import { flattenIssue, type ConfigIssue } from './issues';
import { Notifications, NOTIFICATIONS_DEFAULT } from '../notify/schema';
import { didYouMean } from './suggest';
import { LOCALE_PREFIX, Rule, id } from './rule-schema';
import { Tags } from './tags-schema';
import { Verify } from './verify-schema';
import { Origin } from './origin-schema';

export { describeIssue, formatPath, type ConfigIssue } from './issues';
export type { RuleConfig } from './rule-schema';

const positiveInt = z.number().check(z.int(), z.positive());
const SECRET_NAME = z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/, 'a Worker secret name in SCREAMING_SNAKE_CASE'));
const SCHEDULE_TEMPLATE = z.string().check(z.regex(/^\//, 'a path template must start with "/"'), z.maxLength(2048));

const CallLimit = (calls: number, paths: number) =>
  z._default(z.strictObject({ calls: positiveInt, paths: z._default(positiveInt, paths) }), { calls, paths });
const intBetween = (min: number, max: number, fallback: number) =>
  z._default(z.number().check(z.int(), z.gte(min), z.lte(max)), fallback);

const Limits = z.strictObject({
  /** Length of the rate window in ms (Gotipath: one minute). */
  windowMs: z._default(positiveInt, 60_000),
  url: CallLimit(2, 100),
  pattern: CallLimit(1, 10),
  all: CallLimit(1, 1),
  prefetch: CallLimit(1, 100),
});

/** Backoff after failures and the credential probe while unauthorized (see docs/scheduler.md). */
const Retry = z.strictObject({
  baseMs: intBetween(100, 60_000, 2_000),
  maxMs: intBetween(100, 3_600_000, 300_000),
  authProbeMs: intBetween(100, 3_600_000, 60_000),
});

/** Cache warming after a purge: Gotipath's prefetch API, or plain GETs of the public URLs. */
const Warming = z.strictObject({
  mode: z._default(z.enum(['prefetch', 'http-get']), 'prefetch'),
  delayMs: intBetween(0, 3_600_000, 10_000),
  concurrency: intBetween(1, 16, 4),
});

const Distribution = z
  .strictObject({
    /** The Gotipath distribution id (a UUID in the Gotipath console). */
    id: z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, 'a Gotipath distribution id')),
    /** How long to gather paths before the first call, in ms. */
    coalesceMs: intBetween(0, 600_000, 2_000),
    limits: z.prefault(Limits, {}),
    /** A queued path should be purged within this; past it, the escalation policy applies. */
    targetStalenessMs: intBetween(1_000, 86_400_000, 300_000),
    escalation: z._default(z.enum(['off', 'patterns', 'patterns-then-all', 'all']), 'patterns'),
    /** Path segments a folded pattern keeps at least: 1 allows "/blog*", never "/*". */
    foldDepth: intBetween(1, 16, 1),
    warming: z.prefault(Warming, {}),
    /** Public origin of the distribution's site, for `warming.mode: "http-get"`. */
    publicBaseUrl: z.optional(z.url({ protocol: /^https?$/ })),
    retry: z.prefault(Retry, {}),
    /** Cache tags: learned from the origin's headers, named by rules, expanded at send time (docs/tags.md). */
    tags: z.prefault(Tags, {}),
    /** Verification at the edge: purged pages checked fresh, purged again when stale (docs/freshness.md). */
    verify: z.prefault(Verify, {}),
    /** Origin steps before the CDN purge, and the freshness gate (docs/origin.md). */
    origin: z.prefault(Origin, {}),
  })
  .check(
    z.refine((d) => d.warming.mode !== 'http-get' || d.publicBaseUrl !== undefined, {
      message: 'warming.mode "http-get" needs publicBaseUrl',
      path: ['publicBaseUrl'],
    }),
    z.refine((d) => d.tags.crawl === undefined || d.publicBaseUrl !== undefined, {
      message: 'tags.crawl needs publicBaseUrl',
      path: ['publicBaseUrl'],
    }),
    z.refine((d) => d.verify.enabled !== true || d.publicBaseUrl !== undefined, {
      message: 'verify.enabled needs publicBaseUrl (the site through the CDN)',
      path: ['publicBaseUrl'],
    }),
    z.refine((d) => d.verify.enabled !== true || d.verify.originBaseUrl !== undefined, {
      message: 'verify.enabled needs verify.originBaseUrl (the origin without the CDN)',
      path: ['verify', 'originBaseUrl'],
    }),
    z.refine((d) => !d.origin.gate.enabled || d.verify.originBaseUrl !== undefined, {
      message: 'origin.gate.enabled needs verify.originBaseUrl (the origin without the CDN)',
      path: ['origin', 'gate', 'enabled'],
    }),
    z.refine((d) => d.origin.gate.pollMaxMs >= d.origin.gate.pollMs, {
      message: 'origin.gate.pollMaxMs must be at least origin.gate.pollMs',
      path: ['origin', 'gate', 'pollMaxMs'],
    }),
  );

const Source = z.strictObject({
  provider: z.enum(PROVIDER_NAMES),
  /** Names of Worker secrets holding the signing secret(s); several while rotating. */
  secrets: z._default(z.array(SECRET_NAME).check(z.maxLength(5)), []),
  /** Replay window in seconds; defaults to the platform's own. */
  toleranceSeconds: z.optional(z.number().check(z.int(), z.gte(1), z.lte(86_400 * 7))),
  /** How long a delivery id is remembered to answer redeliveries without purging again (s). */
  dedupeSeconds: z._default(z.number().check(z.int(), z.gte(0), z.lte(86_400 * 30)), 86_400),
  options: z._default(z.record(z.string(), z.unknown()), {}),
});

const Schedule = z.strictObject({
  id: id('a schedule id'),
  cron: z.string(),
  distribution: id('a distribution name'),
  purge: z._default(z.array(SCHEDULE_TEMPLATE), []),
  purgeAll: z._default(z.boolean(), false),
  prefetch: z._default(z.array(SCHEDULE_TEMPLATE), []),
});

/** Gotipath's general limit, for the whole account: every distribution and call kind together. */
const AccountLimit = z.strictObject({
  /** Requests per window (published: 4 per second, "Overview CDN", docs.gotipath.com/doc-362745). */
  calls: z._default(positiveInt, 4),
  windowMs: intBetween(100, 60_000, 1_000),
});

const Gotipath = z.strictObject({
  /** Body `type` per purge kind; only "all" is documented, the rest follow Gcore. */
  purgeTypes: z._default(
    z.strictObject({
      url: z._default(z.string(), 'url'),
      pattern: z._default(z.string(), 'pattern'),
      all: z._default(z.string(), 'all'),
    }),
    { url: 'url', pattern: 'pattern', all: 'all' },
  ),
  /** Prefetch endpoint under the distribution (undocumented in our copy of the API). */
  prefetchPath: z._default(z.string().check(z.regex(/^\/[a-z-]+$/)), '/prefetches'),
  /** Per-call timeout in ms; a call that times out is counted as made one timeout later. */
  timeoutMs: intBetween(100, 60_000, 15_000),
  /** The account-wide general limit every scheduler asks for a slot in before a call (purge/account-limiter.ts). */
  accountLimit: z.prefault(AccountLimit, {}),
});

/** The Gotipath API settings when the config names none (also used before any config exists). */
export const DEFAULT_GOTIPATH_API = Gotipath.parse({});

export const ConfigShape = z.strictObject({
  $schema: z.optional(z.string()),
  gotipath: z.prefault(Gotipath, {}),
  distributions: z
    .record(id('a distribution name'), Distribution)
    .check(z.refine((d) => Object.keys(d).length > 0, 'at least one distribution is required')),
  sources: z._default(z.record(id('a source id'), Source), {}),
  /** Locale code → path prefix, read by templates as {+localePrefix}: {"en-US": "", "de-DE": "/de"}. */
  locales: z._default(z.record(z.string().check(z.minLength(1)), LOCALE_PREFIX), {}),
  rules: z._default(z.array(Rule), []),
  schedules: z._default(z.array(Schedule), []),
  notifications: z._default(Notifications, NOTIFICATIONS_DEFAULT),
});

const checked = (options: { stored?: boolean }) =>
  ConfigShape.check(
    z.superRefine((config, ctx) => {
      for (const { path, message } of crossCheck(config, options))
        ctx.issues.push({ code: 'custom', input: config, path, message });
    }),
  );

/** A document as it is saved: every check. */
export const ConfigSchema = checked({});
/** A stored version as it is loaded: without the checks made only on save (cross-check.ts, `onSave`). */
const StoredConfigSchema = checked({ stored: true });

export type RelayConfig = z.infer<typeof ConfigSchema>;
export type DistributionConfig = RelayConfig['distributions'][string];
export type SourceConfig = RelayConfig['sources'][string];
export type ScheduleConfig = RelayConfig['schedules'][number];
export type CallKind = 'url' | 'pattern' | 'all' | 'prefetch';

export type ParseConfigResult = { ok: true; config: RelayConfig } | { ok: false; issues: ConfigIssue[] };

/**
 * A copy of a name-keyed map without a prototype. Its keys are looked up with names from requests and
 * payloads (`/webhooks/{source}`, `/admin/distributions/{name}`, an event's locale): on a plain object
 * `valueOf` or `constructor` would find Object.prototype's functions.
 */
const bare = <T>(map: Record<string, T>): Record<string, T> =>
  Object.setPrototypeOf(Object.fromEntries(Object.entries(map)), null) as Record<string, T>;

/**
 * Validates a config document; every problem comes back with its exact field path. `stored`: a version read
 * back from KV, judged without the checks made only on save.
 */
export function parseConfig(input: unknown, options: { stored?: boolean } = {}): ParseConfigResult {
  // reportInput: so a message can say what was found ("expected string, got number").
  const result = (options.stored ? StoredConfigSchema : ConfigSchema).safeParse(input, { reportInput: true });
  if (result.success) {
    const { distributions, sources, locales } = result.data;
    return {
      ok: true,
      config: { ...result.data, distributions: bare(distributions), sources: bare(sources), locales: bare(locales) },
    };
  }
  return { ok: false, issues: result.error.issues.flatMap((issue) => flattenIssue(issue, [], didYouMean)) };
}
