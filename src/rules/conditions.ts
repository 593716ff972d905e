// Reads values out of an event's variables and tests a rule's conditions against them: pure.
import { operatorHolds } from './operators';
import type { Condition } from './rule-schema';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Lists inside lists a dotted name reads through, at most: `[[{"slug": …}]]` is 2. Deeper, the value is missing. */
export const MAX_LIST_DEPTH = 32;
/** Elements a dotted name reads through lists, at most (nested ones and the values gathered count). More: missing. */
export const MAX_LIST_ELEMENTS = 10_000;

/**
 * `key` of every element of a list, nested lists flattened, gathered lists joined: `categories.slug`. Iterative
 * (a verified payload may nest lists 100,000 deep) and within MAX_LIST_DEPTH and MAX_LIST_ELEMENTS; undefined
 * past either, so the value counts as missing rather than costing the stack or the CPU.
 */
function gather(list: readonly unknown[], key: string): unknown[] | undefined {
  const out: unknown[] = [];
  const stack: { items: readonly unknown[]; next: number }[] = [{ items: list, next: 0 }];
  let seen = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next === top.items.length) {
      stack.pop();
      continue;
    }
    const item = top.items[top.next++];
    if (++seen > MAX_LIST_ELEMENTS) return undefined;
    if (Array.isArray(item)) {
      if (stack.length >= MAX_LIST_DEPTH) return undefined;
      stack.push({ items: item, next: 0 });
      continue;
    }
    const v = isObject(item) ? item[key] : undefined;
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v)) out.push(v);
    else if ((seen += v.length) > MAX_LIST_ELEMENTS) return undefined;
    else for (const x of v) out.push(x);
  }
  return out;
}

function step(value: unknown, key: string): unknown {
  if (Array.isArray(value)) {
    // `tags.0` is one element; `categories.slug` is the slug of every element.
    return /^\d+$/.test(key) ? value[Number(key)] : gather(value, key);
  }
  return isObject(value) ? value[key] : undefined;
}

/** Reads a dotted name (`fields.slug`, `fields.categories.slug`, `id`); through a list it maps each element. */
export function resolve(scope: Record<string, unknown>, name: string): unknown {
  let value: unknown = scope;
  for (const key of name.split('.')) {
    value = step(value, key);
    if (value === undefined) return undefined;
  }
  return value;
}

/** How much of a value `shown` keeps. */
export interface ShownLimits {
  depth: number;
  scalars: number;
  chars: number;
}

/** For a message or the preview's variables: a few levels and values. */
const BRIEF: ShownLimits = { depth: 6, scalars: 100, chars: 200 };

/**
 * A copy of a value small enough to show (a message, the preview): past `depth` levels, `scalars` values or a
 * string's `chars`, the rest is "…". Its recursion is bounded by `depth`, whatever the payload's nesting, so it
 * can always be serialized (JSON.stringify of a list nested 100,000 deep overflows the stack).
 */
export function shown(value: unknown, limits: ShownLimits = BRIEF, room = { left: limits.scalars }): unknown {
  if (typeof value !== 'object' || value === null) {
    room.left--;
    return typeof value === 'string' && value.length > limits.chars ? `${value.slice(0, limits.chars)}…` : value;
  }
  if (limits.depth === 0 || room.left <= 0) return '…';
  const deeper = { ...limits, depth: limits.depth - 1 };
  const out: [string, unknown][] = [];
  for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    if (room.left <= 0) {
      out.push(['…', '…']);
      break;
    }
    out.push([String(k), shown(v, deeper, room)]);
  }
  return Array.isArray(value) ? out.map(([, v]) => v) : Object.fromEntries(out);
}

/** No usable value: missing, null, "" or an empty list. */
export const isBlank = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** Why a condition does not hold for these variables, or undefined when it does. */
export function failure(c: Condition, scope: Record<string, unknown>): string | undefined {
  if ('all' in c) {
    for (const x of c.all) {
      const reason = failure(x, scope);
      if (reason) return reason;
    }
    return undefined;
  }
  if ('any' in c) {
    const reasons: string[] = [];
    for (const x of c.any) {
      const reason = failure(x, scope);
      if (!reason) return undefined;
      reasons.push(reason);
    }
    return `none of "any" holds: ${reasons.join('; ')}`;
  }
  if ('not' in c) return failure(c.not, scope) ? undefined : `"not" fails: ${JSON.stringify(c.not)} holds`;
  const value = resolve(scope, c.field);
  return operatorHolds(c, value) ? undefined : `${c.field} = ${JSON.stringify(shown(value ?? null))} fails ${JSON.stringify(c)}`;
}
