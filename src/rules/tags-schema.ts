// Cache tags in the config: what a tag is, and a distribution's `tags` section (which headers carry tags, the
// index bounds, expansion size, reporting, crawling).
import * as z from 'zod/mini';
import { parseCron } from '../lib/cron-expression';

/** Headers read when a distribution names none: Cloudflare/Akamai, Fastly, and a common custom one. */
export const DEFAULT_TAG_HEADERS = ['cache-tag', 'surrogate-key', 'x-cache-tags'] as const;
/** Longest tag kept (Cloudflare's limit for one Cache-Tag value: 1,024 characters). */
export const MAX_TAG_LENGTH = 1024;
/** A tag: visible characters other than the comma, no whitespace. */
export const TAG_PATTERN = /^[^\s,]+$/;

export const isTag = (tag: string) => tag.length > 0 && tag.length <= MAX_TAG_LENGTH && TAG_PATTERN.test(tag);

const intBetween = (min: number, max: number, fallback: number) =>
  z._default(z.number().check(z.int(), z.gte(min), z.lte(max)), fallback);
const HEADER_NAME = z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'a lowercase header name, e.g. "cache-tag"'));

/** A tag a rule names: an RFC 6570 template such as `post-{id}`; no spaces or commas (they separate tags). */
export const TAG_TEMPLATE = z
  .string()
  .check(z.regex(/^[^\s,]+$/, 'a tag template has no spaces or commas, e.g. "post-{id}"'), z.maxLength(MAX_TAG_LENGTH));

const cron = z.string().check(
  z.refine((s) => {
    try {
      parseCron(s);
      return true;
    } catch {
      return false;
    }
  }, 'a cron expression, e.g. "0 3 * * *" (list it under [triggers] crons in wrangler.toml too)'),
);

/** The sitemap crawler: where it starts, and its politeness budget per run (one Durable Object alarm). */
const Crawl = z.strictObject({
  /** The cron trigger that starts a crawl. */
  cron,
  /** The sitemap (or sitemap index) under publicBaseUrl to start from. */
  sitemapPath: z._default(z.string().check(z.regex(/^\/[^\s]*$/, 'a path starting with "/"')), '/sitemap.xml'),
  /** Requests per run: kept well under a Worker's 1,000 subrequests per invocation. */
  requestsPerRun: intBetween(1, 500, 50),
  /** Requests in flight at once. */
  concurrency: intBetween(1, 8, 2),
  /** Pause between runs, in ms. */
  delayMs: intBetween(0, 600_000, 1_000),
  /** Most URLs (sitemaps and pages) one crawl visits. */
  maxUrls: intBetween(1, 100_000, 10_000),
});

export const Tags = z.strictObject({
  /** Response headers read for tags, in lowercase; comma- and space-separated values are both read. */
  headers: z._default(z.array(HEADER_NAME).check(z.minLength(1), z.maxLength(10)), [...DEFAULT_TAG_HEADERS]),
  /** Index rows (tag, path pairs) kept; the least recently seen go first. */
  maxEntries: intBetween(1, 1_000_000, 100_000),
  /** Paths kept per tag; the least recently seen go first. */
  maxPathsPerTag: intBetween(1, 100_000, 10_000),
  /** Tags kept per path; the first ones the origin lists. */
  maxTagsPerPath: intBetween(1, 1_000, 64),
  /** A pair not seen again for this many days ages out. */
  maxAgeDays: intBetween(1, 365, 30),
  /** A tag reaching more paths than this is folded into patterns (an escalation is recorded). */
  expandLimit: intBetween(1, 100_000, 500),
  /** Worker secret holding the bearer token of POST /tags/{distribution}; unset: reporting is off. */
  reportSecret: z.optional(z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/, 'a Worker secret name in SCREAMING_SNAKE_CASE'))),
  crawl: z.optional(Crawl),
});

export type TagsConfig = z.infer<typeof Tags>;
export type CrawlConfig = NonNullable<TagsConfig['crawl']>;
