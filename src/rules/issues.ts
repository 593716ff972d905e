// Turns zod issues into `{path, message}` pairs that name the exact field and say what was expected.
import type * as z from 'zod/mini';

export interface ConfigIssue {
  /** Where the problem is, e.g. `rules[2].match.actions[0]`. */
  path: string;
  message: string;
}

type ZodIssue = z.core.$ZodIssue;
/** Words to add to an unknown-keys message (the config's "did you mean …"), given where and which keys. */
export type KeyHint = (path: readonly PropertyKey[], keys: readonly string[]) => string;
type Key = PropertyKey;

export function formatPath(path: readonly Key[]): string {
  return (
    path.reduce<string>(
      (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
      '',
    ) || '(root)'
  );
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const unit = (origin: string) => (origin === 'string' ? ' characters' : origin === 'array' ? ' items' : '');

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
      return `must be ${issue.origin === 'array' ? 'a list of at least' : issue.origin === 'string' ? 'at least' : '>='} ${String(issue.minimum)}${unit(issue.origin)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${unit(issue.origin)}`;
    case 'invalid_format':
      return `expected ${issue.format === 'regex' ? 'a value matching its pattern' : issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return `expected ${[...new Set(issue.errors.flatMap((branch) => branch.filter(isRootType).map((i) => (i as { expected: string }).expected)))].join(' or ') || 'one of the allowed forms'}`;
    default:
      return 'invalid value';
  }
}

const isRootType = (i: ZodIssue) => i.code === 'invalid_type' && i.path.length === 0;

/** How badly a union branch fits: a wrong type at its root rules it out, unknown keys nearly so. */
const misfit = (branch: readonly ZodIssue[]) =>
  branch.reduce((n, i) => n + (isRootType(i) ? 1000 : i.code === 'unrecognized_keys' && i.path.length === 0 ? 100 : 1), 0);

/**
 * Replaces a union failure by the issues of the branch the input was closest to (the one whose
 * keys and type it has), so `purge[0].kind` is reported instead of "matches none of the forms".
 */
export function flattenIssue(issue: ZodIssue, at: readonly Key[] = [], hint?: KeyHint): ConfigIssue[] {
  const path = [...at, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const best = [...issue.errors].sort((a, b) => misfit(a) - misfit(b))[0]!;
    if (misfit(best) < 1000) return best.flatMap((i) => flattenIssue(i, path, hint));
  }
  const extra = issue.code === 'unrecognized_keys' && hint ? hint(path, issue.keys) : '';
  return [{ path: formatPath(path), message: describeIssue(issue) + extra }];
}
