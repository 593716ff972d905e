// Request bodies the admin API accepts, validated at the boundary.
import * as z from 'zod/mini';
import { nestsDeeperThan } from '../lib/json-depth';
import { badRequest } from '../errors';
import { describeIssue, formatPath } from '../rules/schema';

export const PreviewBody = z.strictObject({
  /** A source id from the config. */
  source: z.string().check(z.minLength(1)),
  /** Headers as the platform would send them (topic, event name...); signatures are not checked. */
  headers: z._default(z.record(z.string(), z.string()), {}),
  /** The payload: a JSON value, or the raw body as a string. */
  body: z.unknown(),
});

// Whitespace and control characters are refused here, before anything is queued: Gotipath refuses them anyway.
const PATH = z
  .string()
  .check(
    z.regex(/^\//, 'a path must start with "/"'),
    z.regex(/^[^\s\u0000-\u001f\u007f]*$/, 'a path must not hold a space or control character (write a space as %20)'),
    z.maxLength(2048),
  );
const PATHS = z._default(z.array(PATH).check(z.maxLength(10_000)), []);

export const PurgeBody = z.strictObject({
  distribution: z.string().check(z.minLength(1)),
  paths: PATHS,
  /** Gotipath patterns: a path with `*` wildcards, e.g. "/blog/*". */
  patterns: PATHS,
  prefetch: PATHS,
  all: z._default(z.boolean(), false),
});

/** Which dead letters to retry or drop: some paths, or all of them (said explicitly). */
export const DeadLetterBody = z.union([
  z.strictObject({ paths: z.array(z.string()).check(z.minLength(1)) }),
  z.strictObject({ all: z.literal(true) }),
]);

/**
 * Deepest nesting an admin body may have. Far above any config or payload (a config's conditions nest a few
 * levels); it keeps every later step able to serialize the value (JSON.stringify recurses, and a list nested
 * 100,000 deep overflows the stack: issue 14, F9).
 */
export const MAX_ADMIN_JSON_DEPTH = 1000;

/** Parses a JSON body; anything else is a 400 with the one message every admin route gives. */
export async function readJsonValue(request: Request): Promise<unknown> {
  let text: string;
  try {
    text = await request.text();
  } catch {
    throw badRequest('the request body could not be read to its end');
  }
  if (nestsDeeperThan(text, MAX_ADMIN_JSON_DEPTH))
    throw badRequest(`body nests lists or objects more than ${MAX_ADMIN_JSON_DEPTH} levels deep`);
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('body is not valid JSON');
  }
}

/** Parses a JSON body with a schema; errors are 400 with each field's path. */
export async function readJson<T>(request: Request, schema: z.ZodMiniType<T>): Promise<T> {
  const json = await readJsonValue(request);
  const parsed = schema.safeParse(json, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: describeIssue(i) }));
  throw badRequest(`invalid request body: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}

/** POST /admin/paths/check: a path (or a full URL of the distribution's site) and, with several, the distribution. */
export const PathCheckBody = z.strictObject({
  path: z.string().check(z.maxLength(4096)),
  distribution: z.optional(z.string().check(z.minLength(1))),
});
