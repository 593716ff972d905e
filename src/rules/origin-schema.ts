// A distribution's `origin` section: origin steps run before the CDN purge, and the freshness gate (docs/origin.md).
import * as z from 'zod/mini';

const intBetween = (min: number, max: number, fallback: number) =>
  z._default(z.number().check(z.int(), z.gte(min), z.lte(max)), fallback);
const HEADER_NAME = z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'a lowercase header name, e.g. "x-revalidate-secret"'));
const SECRET_NAME = z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/, 'a Worker secret name in SCREAMING_SNAKE_CASE'));

/** Hosts an origin step may reach over plain http (local development); any other host needs https. */
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** Whether a URL (or a URL template, placeholders filled with "x") is https, or http on a loopback host. */
export function originUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/\{[a-z]+\}/g, 'x'));
  } catch {
    return 'an absolute URL, e.g. "https://www.example.com/api/revalidate"';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK.test(parsed.hostname)) return undefined;
  return 'must be https (plain http only to 127.0.0.1 or localhost, for local development)';
}

const ORIGIN_URL = z.string().check(
  z.maxLength(2048),
  z.superRefine((url, ctx) => {
    const problem = originUrlProblem(url);
    if (problem) ctx.issues.push({ code: 'custom', input: url, message: problem });
  }),
);

/** Headers whose value is a Worker secret, e.g. `{"authorization": {"secret": "HOOK_TOKEN", "prefix": "Bearer "}}`. */
const SecretHeaders = z._default(
  z.record(HEADER_NAME, z.strictObject({ secret: SECRET_NAME, prefix: z._default(z.string().check(z.maxLength(64)), '') })),
  {},
);

/** Per request, in ms: a step that does not answer within it failed (and is retried). */
const TIMEOUT = intBetween(100, 60_000, 10_000);

/** A Next.js route handler (or Nuxt / Astro endpoint) that revalidates paths and tags: POST {"paths", "tags"}. */
const NextjsStep = z.strictObject({
  type: z.literal('nextjs'),
  url: ORIGIN_URL,
  /** The Worker secret sent in `secretHeader`; the route handler compares it. */
  secret: SECRET_NAME,
  secretHeader: z._default(HEADER_NAME, 'x-revalidate-secret'),
  timeoutMs: TIMEOUT,
});

/** Any HTTP call: a static site's build hook, an API's cache flush. `{path}` in the URL makes one call per path. */
const HttpStep = z.strictObject({
  type: z.literal('http'),
  method: z._default(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']), 'POST'),
  url: ORIGIN_URL,
  headers: z._default(z.record(HEADER_NAME, z.string().check(z.maxLength(1024))), {}),
  secretHeaders: SecretHeaders,
  /** Text with {paths}, {tags} (JSON arrays), {event} and, per path, {path} (JSON strings) filled in. */
  body: z.optional(z.string().check(z.maxLength(8_192))),
  contentType: z._default(z.string().check(z.maxLength(128)), 'application/json'),
  timeoutMs: TIMEOUT,
});

/** A caching proxy in front of the origin (Varnish, nginx): `PURGE` or `BAN` of each path at `baseUrl`. */
const PurgeStep = z.strictObject({
  type: z.literal('purge'),
  method: z._default(z.enum(['PURGE', 'BAN']), 'PURGE'),
  baseUrl: ORIGIN_URL,
  /** `BAN`: the header carrying the path as an anchored regular expression (the VCL bans on it). */
  banHeader: z._default(HEADER_NAME, 'x-ban-url'),
  secretHeaders: SecretHeaders,
  timeoutMs: TIMEOUT,
});

export const OriginStep = z.discriminatedUnion('type', [NextjsStep, HttpStep, PurgeStep]);

/** Polls the origin before a page is released to the CDN queue, until it serves the new version. */
const Gate = z.strictObject({
  enabled: z._default(z.boolean(), false),
  /** Longest wait for the new version (ms); then the page is purged anyway. */
  maxWaitMs: intBetween(1_000, 3_600_000, 600_000),
  /** After a timeout the origin is still watched this long (ms): a change then, or the end, purges once more. */
  lateWaitMs: intBetween(0, 86_400_000, 1_800_000),
  /** First wait between polls (ms), doubling up to `pollMaxMs`. */
  pollMs: intBetween(100, 600_000, 1_000),
  pollMaxMs: intBetween(100, 600_000, 30_000),
});

export const Origin = z.strictObject({
  /** Run in this order before the CDN purge of the same paths. */
  steps: z._default(z.array(OriginStep).check(z.maxLength(5)), []),
  retry: z.prefault(z.strictObject({ baseMs: intBetween(100, 600_000, 2_000), maxMs: intBetween(100, 3_600_000, 300_000) }), {}),
  /** When a step keeps failing past `maxHoldMs`: keep the paths held (a dead letter) or purge the CDN anyway. */
  onFailure: z._default(z.enum(['hold', 'purge']), 'hold'),
  maxHoldMs: intBetween(1_000, 86_400_000, 3_600_000),
  gate: z.prefault(Gate, {}),
});

export type OriginConfig = z.infer<typeof Origin>;
export type OriginStepConfig = z.infer<typeof OriginStep>;

/** Whether the distribution's purges wait for origin work (steps or the gate). */
export const originOn = (o: OriginConfig): boolean => o.steps.length > 0 || o.gate.enabled;
