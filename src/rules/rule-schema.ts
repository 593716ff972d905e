// The rule language: what an event must look like (match) and the paths it purges (purge entries).
import * as z from 'zod/mini';
import { CONTENT_ACTIONS } from '../providers/types';
import { TAG_TEMPLATE } from './tags-schema';
import { OPERANDS } from './operators';

export const id = (what: string) =>
  z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, `${what} must be 1-64 letters, digits, ".", "_" or "-"`));

/**
 * A path template: RFC 6570, starting with "/" or with a reserved expansion whose value brings its
 * own "/" (`{+localePrefix}`, `{+fields.url}`); a produced path that does not start with "/" is dropped.
 */
export const PATH_TEMPLATE = z
  .string()
  .check(
    z.regex(/^(\/|\{\+)/, 'a path template must start with "/" or with {+var} (a value that starts with "/")'),
    z.maxLength(2048),
  );

const Predicate = z.strictObject({
  /** Dotted path into the event, e.g. `fields.category` or `contentType`. */
  field: z.string().check(z.minLength(1)),
  ...OPERANDS,
});
export type Predicate = z.infer<typeof Predicate>;

/** A predicate, or a group: every one (`all`), at least one (`any`), or the opposite (`not`). */
export type Condition = Predicate | { all: Condition[] } | { any: Condition[] } | { not: Condition };

export const Condition: z.ZodMiniType<Condition> = z.union([
  Predicate,
  z.strictObject({ all: z.array(z.lazy(() => Condition)).check(z.minLength(1)) }),
  z.strictObject({ any: z.array(z.lazy(() => Condition)).check(z.minLength(1)) }),
  z.strictObject({ not: z.lazy(() => Condition) }),
]);

/** Send order when the rate limit bites: the changed page, then its listings, then the rest. */
export const PRIORITY = { page: 0, listing: 1, other: 2 } as const;
export type PriorityClass = keyof typeof PRIORITY;
/** Longest page range one entry may expand to. */
export const MAX_PAGES = 100;

const page = z.number().check(z.int(), z.gte(1), z.lte(10_000));

export const PathEntry = z.strictObject({
  /** The template; `{page}` is the page number when `pages` is set. */
  path: PATH_TEMPLATE,
  /** `pattern` purges every cached URL the wildcard `*` matches (Vary variants, sliced large files). */
  kind: z._default(z.enum(['url', 'pattern']), 'url'),
  /** Default: `page` for a rule's first entry, `listing` for the others. */
  priority: z.optional(z.enum(['page', 'listing', 'other'])),
  /** Also warm the CDN cache with this URL after purging it. */
  prefetch: z._default(z.boolean(), false),
  /** A listing's pagination: one path per page from `from` to `to`. */
  pages: z.optional(z.strictObject({ from: page, to: page })),
});
export type PathEntry = z.infer<typeof PathEntry>;

export const Rule = z
  .strictObject({
    id: id('a rule id'),
    description: z.optional(z.string()),
    distribution: id('a distribution name'),
    match: z._default(
      z.strictObject({
        sources: z.optional(z.array(z.string()).check(z.minLength(1))),
        actions: z.optional(z.array(z.enum(CONTENT_ACTIONS)).check(z.minLength(1))),
        contentTypes: z.optional(z.array(z.string()).check(z.minLength(1))),
        /** The platform's own event names, e.g. `products/update`. */
        topics: z.optional(z.array(z.string()).check(z.minLength(1))),
        /** Conditions that must all hold. */
        where: z.optional(z.array(Condition)),
      }),
      {},
    ),
    /** Plain templates (URL purges) or entries with kind, priority, prefetch and pages. */
    purge: z._default(z.array(z.union([PATH_TEMPLATE, PathEntry])).check(z.maxLength(1000)), []),
    /** Cache tags to purge (templates like `post-{id}`): expanded to the paths the tag index holds at send time. */
    tags: z._default(z.array(TAG_TEMPLATE).check(z.maxLength(100)), []),
    /** Templates only prefetched, never purged (older form; prefer `prefetch: true` on an entry). */
    prefetch: z._default(z.array(PATH_TEMPLATE), []),
  })
  .check(
    z.refine((r) => r.purge.length > 0 || r.tags.length > 0, { message: 'a rule needs purge paths or tags', path: ['purge'] }),
  );
export type RuleConfig = z.infer<typeof Rule>;

/** A locale's path prefix: "" for none, else "/de" (a leading "/", no trailing one). */
export const LOCALE_PREFIX = z
  .string()
  .check(z.regex(/^(\/[^/?#]+)*$/, 'a path prefix: "" or like "/de" (leading "/", no trailing "/")'));
