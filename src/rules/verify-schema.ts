// A distribution's `verify` section: checking at the edge that purged pages are fresh (docs/freshness.md).
import * as z from 'zod/mini';
import { compileTemplate } from './template';

const intBetween = (min: number, max: number, fallback: number) =>
  z._default(z.number().check(z.int(), z.gte(min), z.lte(max)), fallback);
const HEADER_NAME = z.string().check(z.regex(/^[a-z0-9-]{1,64}$/, 'a lowercase header name, e.g. "x-origin-key"'));
const SECRET_NAME = z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/, 'a Worker secret name in SCREAMING_SNAKE_CASE'));

/** Waits between checks when the config names none: seconds, then tens of seconds, then minutes. */
export const DEFAULT_CHECK_DELAYS_MS = [5_000, 30_000, 120_000, 600_000];

/** A marker template: the rules' template syntax, e.g. `{fields.updatedAt}` (values are inserted as they are). */
const MARKER = z.string().check(
  z.minLength(1),
  z.maxLength(512),
  z.refine((s) => {
    try {
      compileTemplate(s);
      return true;
    } catch {
      return false;
    }
  }, 'a template such as "{fields.updatedAt}"'),
);

export const Verify = z.strictObject({
  /** Default: on when both `publicBaseUrl` and `verify.originBaseUrl` are set (without them there is nothing to fetch). */
  enabled: z.optional(z.boolean()),
  /**
   * Where the origin answers without the CDN, e.g. `https://origin.example.com`: its host is the host asked for (a
   * Worker cannot send a Host header other than its URL's, so there is no separate Host setting).
   */
  originBaseUrl: z.optional(z.url({ protocol: /^https?$/ })),
  /** A header sent to the origin only, its value from a Worker secret (an origin that admits only the relay). */
  originHeader: z.optional(z.strictObject({ name: HEADER_NAME, secret: SECRET_NAME })),
  /** What is compared: `auto` = ETag, then Last-Modified, then a digest of the body; or one of them. */
  validator: z._default(z.enum(['auto', 'etag', 'last-modified', 'digest']), 'auto'),
  /** A text from the event that the new version carries in a header or its body, e.g. `{fields.updatedAt}`. */
  marker: z.optional(MARKER),
  /** Waits before each check after a purge is accepted, in ms; still stale after the last: purged again. */
  delaysMs: z._default(
    z.array(z.number().check(z.int(), z.gte(0), z.lte(86_400_000))).check(z.minLength(1), z.maxLength(10)),
    DEFAULT_CHECK_DELAYS_MS,
  ),
  /** Purges sent again for a page that stays stale; then it is reported stuck. */
  maxRepurges: intBetween(0, 10, 2),
  /** Pages checked after a pattern purge or a purge-all (from the queued paths it covered, the ledger, the tag index). */
  sample: intBetween(0, 100, 5),
  /** Checks run per alarm at most (each is one GET at the origin and one through the edge: 2 subrequests). */
  perAlarm: intBetween(1, 200, 100),
  /** Checks in flight at once. */
  concurrency: intBetween(1, 8, 2),
  /** Checks started per second at most: what the origin is asked for on top of its traffic. */
  originRatePerSecond: z._default(z.number().check(z.gt(0), z.lte(100)), 5),
  /** Per-request timeout in ms. */
  timeoutMs: intBetween(100, 30_000, 5_000),
});

export type VerifyConfig = z.infer<typeof Verify>;

/** Whether a distribution's purges are verified: as configured, else when both base URLs are known. */
export const verifyOn = (d: { publicBaseUrl?: string; verify: VerifyConfig }): boolean =>
  d.verify.enabled ?? (d.publicBaseUrl !== undefined && d.verify.originBaseUrl !== undefined);
