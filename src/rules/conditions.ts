// Reads values out of an event's variables and tests a rule's conditions against them: pure.
import { operatorHolds } from './operators';
import type { Condition } from './rule-schema';

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
  return operatorHolds(c, value) ? undefined : `${c.field} = ${JSON.stringify(value ?? null)} fails ${JSON.stringify(c)}`;
}
