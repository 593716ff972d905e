// The relay's config document (kept in KV): distributions, sources, rules, schedules. Types derive from it.
import * as z from 'zod/mini';
import { PROVIDER_NAMES, getProvider } from '../providers/registry';
import { CONTENT_ACTIONS } from '../providers/types';
import { parseCron } from '../jobs/cron-expression';
import { compileTemplate } from './template';

const id = (what: string) =>
  z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, `${what} must be 1-64 letters, digits, ".", "_" or "-"`));
const positiveInt = z.number().check(z.int(), z.positive());
const SECRET_NAME = z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/, 'a Worker secret name in SCREAMING_SNAKE_CASE'));
const TEMPLATE = z.string().check(z.regex(/^\//, 'a path template must start with "/"'), z.maxLength(2048));

const CallLimit = (calls: number, paths: number) =>
  z._default(z.strictObject({ calls: positiveInt, paths: z._default(positiveInt, paths) }), { calls, paths });
const intBetween = (min: number, max: number, fallback: number) => z._default(z.number().check(z.int(), z.gte(min), z.lte(max)), fallback);

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
  })
  .check(
    z.refine((d) => d.warming.mode !== 'http-get' || d.publicBaseUrl !== undefined, {
      message: 'warming.mode "http-get" needs publicBaseUrl',
      path: ['publicBaseUrl'],
    }),
  );

const Source = z.strictObject({
  provider: z.enum(PROVIDER_NAMES),
  /** Names of Worker secrets holding the signing secret(s); several while rotating. */
  secrets: z.array(SECRET_NAME).check(z.minLength(1), z.maxLength(5)),
  /** Replay window in seconds; defaults to the platform's own. */
  toleranceSeconds: z.optional(z.number().check(z.int(), z.gte(1), z.lte(86_400 * 7))),
  /** How long a delivery id is remembered to answer redeliveries without purging again (s). */
  dedupeSeconds: z._default(z.number().check(z.int(), z.gte(0), z.lte(86_400 * 30)), 86_400),
  options: z._default(z.record(z.string(), z.unknown()), {}),
});

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const Predicate = z.strictObject({
  /** Dotted path into the event, e.g. `fields.category` or `contentType`. */
  field: z.string().check(z.minLength(1)),
  equals: z.optional(Scalar),
  in: z.optional(z.array(Scalar).check(z.minLength(1))),
  exists: z.optional(z.boolean()),
  prefix: z.optional(z.string()),
});

const Rule = z.strictObject({
  id: id('a rule id'),
  description: z.optional(z.string()),
  distribution: id('a distribution name'),
  match: z._default(
    z.strictObject({
      sources: z.optional(z.array(z.string()).check(z.minLength(1))),
      actions: z.optional(z.array(z.enum(CONTENT_ACTIONS)).check(z.minLength(1))),
      contentTypes: z.optional(z.array(z.string()).check(z.minLength(1))),
      where: z.optional(z.array(Predicate)),
    }),
    {},
  ),
  purge: z.array(TEMPLATE).check(z.minLength(1), z.maxLength(1000)),
  prefetch: z._default(z.array(TEMPLATE), []),
});

const Schedule = z.strictObject({
  id: id('a schedule id'),
  cron: z.string(),
  distribution: id('a distribution name'),
  purge: z._default(z.array(TEMPLATE), []),
  purgeAll: z._default(z.boolean(), false),
  prefetch: z._default(z.array(TEMPLATE), []),
});

const Gotipath = z.strictObject({
  /** Body `type` per purge kind; only "all" is documented, the rest follow Gcore. */
  purgeTypes: z._default(
    z.strictObject({ url: z._default(z.string(), 'url'), pattern: z._default(z.string(), 'pattern'), all: z._default(z.string(), 'all') }),
    { url: 'url', pattern: 'pattern', all: 'all' },
  ),
  /** Prefetch endpoint under the distribution (undocumented in our copy of the API). */
  prefetchPath: z._default(z.string().check(z.regex(/^\/[a-z-]+$/)), '/prefetches'),
  /** Per-call timeout in ms; a call that times out is counted as made one timeout later. */
  timeoutMs: intBetween(100, 60_000, 15_000),
});

/** The Gotipath API settings when the config names none (also used before any config exists). */
export const DEFAULT_GOTIPATH_API = Gotipath.parse({});

const ConfigShape = z.strictObject({
  $schema: z.optional(z.string()),
  gotipath: z.prefault(Gotipath, {}),
  distributions: z.record(id('a distribution name'), Distribution).check(
    z.refine((d) => Object.keys(d).length > 0, 'at least one distribution is required'),
  ),
  sources: z._default(z.record(id('a source id'), Source), {}),
  rules: z._default(z.array(Rule), []),
  schedules: z._default(z.array(Schedule), []),
});

type Issue = { message: string; path: PropertyKey[] };

/** Checks that need the whole document: references between sections, templates, cron, options. */
function crossCheck(config: z.infer<typeof ConfigShape>): Issue[] {
  const issues: Issue[] = [];
  const needDistribution = (name: string, path: PropertyKey[]) => {
    if (!(name in config.distributions)) issues.push({ path, message: `unknown distribution "${name}"` });
  };
  const checkTemplates = (list: string[], path: PropertyKey[]) =>
    list.forEach((t, i) => {
      try {
        compileTemplate(t);
      } catch (e) {
        issues.push({ path: [...path, i], message: `invalid URI template: ${(e as Error).message}` });
      }
    });
  for (const [sourceId, source] of Object.entries(config.sources)) {
    const provider = getProvider(source.provider);
    const parsed = provider?.options.safeParse(source.options);
    for (const issue of parsed?.success === false ? parsed.error.issues : []) {
      issues.push({ path: ['sources', sourceId, 'options', ...issue.path], message: describeIssue(issue) });
    }
  }
  const seen = new Set<string>();
  config.rules.forEach((rule, i) => {
    if (seen.has(rule.id)) issues.push({ path: ['rules', i, 'id'], message: `duplicate rule id "${rule.id}"` });
    seen.add(rule.id);
    needDistribution(rule.distribution, ['rules', i, 'distribution']);
    rule.match.sources?.forEach((s, j) => {
      if (!(s in config.sources)) issues.push({ path: ['rules', i, 'match', 'sources', j], message: `unknown source "${s}"` });
    });
    rule.match.where?.forEach((p, j) => {
      const ops = ['equals', 'in', 'exists', 'prefix'].filter((k) => k in p);
      if (ops.length !== 1) issues.push({ path: ['rules', i, 'match', 'where', j], message: 'needs exactly one of equals, in, exists, prefix' });
    });
    checkTemplates(rule.purge, ['rules', i, 'purge']);
    checkTemplates(rule.prefetch, ['rules', i, 'prefetch']);
  });
  config.schedules.forEach((s, i) => {
    needDistribution(s.distribution, ['schedules', i, 'distribution']);
    try {
      parseCron(s.cron);
    } catch (e) {
      issues.push({ path: ['schedules', i, 'cron'], message: (e as Error).message });
    }
    if (!s.purgeAll && s.purge.length === 0 && s.prefetch.length === 0) {
      issues.push({ path: ['schedules', i], message: 'needs purge paths, purgeAll or prefetch paths' });
    }
    checkTemplates(s.purge, ['schedules', i, 'purge']);
  });
  return issues;
}

export const ConfigSchema = ConfigShape.check(
  z.superRefine((config, ctx) => {
    for (const issue of crossCheck(config)) ctx.issues.push({ code: 'custom', input: config, ...issue });
  }),
);

export type RelayConfig = z.infer<typeof ConfigSchema>;
export type DistributionConfig = RelayConfig['distributions'][string];
export type SourceConfig = RelayConfig['sources'][string];
export type RuleConfig = RelayConfig['rules'][number];
export type ScheduleConfig = RelayConfig['schedules'][number];
export type CallKind = 'url' | 'pattern' | 'all' | 'prefetch';

export interface ConfigIssue {
  /** Where the problem is, e.g. `rules[2].match.actions[0]`. */
  path: string;
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '') || '(root)';
}

type ZodIssue = z.core.$ZodIssue;

/** Says what was expected, in words, for zod/mini issues (which carry no English messages). */
export function describeIssue(issue: ZodIssue): string {
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}${issue.input === undefined ? ' (missing)' : `, got ${typeOf(issue.input)}`}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'too_small':
      return `must be ${issue.origin === 'array' ? 'a list of at least' : issue.origin === 'string' ? 'at least' : '>='} ${String(issue.minimum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : ''}`;
    case 'invalid_format':
      return `expected ${issue.format === 'regex' ? 'a value matching its pattern' : issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_key':
      return 'invalid key';
    case 'invalid_union':
      return 'matches none of the allowed forms';
    default:
      return 'invalid value';
  }
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export type ParseConfigResult = { ok: true; config: RelayConfig } | { ok: false; issues: ConfigIssue[] };

/** Validates a config document; every problem comes back with its exact field path. */
export function parseConfig(input: unknown): ParseConfigResult {
  const result = ConfigSchema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: describeIssue(issue) })),
  };
}
