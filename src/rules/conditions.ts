// Reads values out of an event's variables and tests a rule's conditions against them: pure.
import type { Condition, Predicate } from './rule-schema';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function step(value: unknown, key: string): unknown {
  if (Array.isArray(value)) {
    // `tags.0` is one element; `categories.slug` is the slug of every element.
    if (/^\d+$/.test(key)) return value[Number(key)];
    return value.flatMap((item) => {
      const v = step(item, key);
      return v === undefined || v === null ? [] : v;
    });
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

/** No usable value: missing, null, "" or an empty list. */
export const isBlank = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

const same = (a: unknown, b: unknown) =>
  a === b || (typeof a !== typeof b && (typeof a === 'number' || typeof b === 'number') && String(a) === String(b));

function holds(p: Predicate, value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  if (p.exists !== undefined)
    return !(value === undefined || value === null || (Array.isArray(value) && value.length === 0)) === p.exists;
  if (p.equals !== undefined) return values.some((v) => same(v, p.equals));
  if (p.in !== undefined) return values.some((v) => p.in!.some((x) => same(v, x)));
  if (p.prefix !== undefined) return values.some((v) => typeof v === 'string' && v.startsWith(p.prefix!));
  return false;
}

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
  return holds(c, value) ? undefined : `${c.field} = ${JSON.stringify(value ?? null)} fails ${JSON.stringify(c)}`;
}
