// The predicate operators of the rule language (`{"field": "fields.category", "equals": "news"}`), one entry
// each: the schema of its operand and when it holds for the value read from the event. The config schema,
// the evaluation and the config check all derive from this table, so adding an operator is one entry here.
import * as z from 'zod/mini';

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

/** 3 and "3" are the same value: platforms send ids as either. */
const same = (a: unknown, b: unknown) =>
  a === b || (typeof a !== typeof b && (typeof a === 'number' || typeof b === 'number') && String(a) === String(b));

/** A list value holds when one of its elements does. */
const elements = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

const operator = <S extends z.ZodMiniType>(operand: S, holds: (operand: z.infer<S>, value: unknown) => boolean) => ({
  operand,
  holds,
});

export const OPERATORS = {
  equals: operator(Scalar, (x, value) => elements(value).some((v) => same(v, x))),
  in: operator(z.array(Scalar).check(z.minLength(1)), (xs, value) => elements(value).some((v) => xs.some((x) => same(v, x)))),
  /** `true`: the field has a value (not missing, null or an empty list); `false`: it has none. */
  exists: operator(
    z.boolean(),
    (x, value) => !(value === undefined || value === null || (Array.isArray(value) && value.length === 0)) === x,
  ),
  prefix: operator(z.string(), (x, value) => elements(value).some((v) => typeof v === 'string' && v.startsWith(x))),
};

export type OperatorName = keyof typeof OPERATORS;
export const OPERATOR_NAMES = Object.keys(OPERATORS) as OperatorName[];

type Operands = { [K in OperatorName]: z.ZodMiniOptional<(typeof OPERATORS)[K]['operand']> };

/** Each operator as an optional field of a predicate (exactly one is required: see cross-check.ts). */
export const OPERANDS = Object.fromEntries(OPERATOR_NAMES.map((name) => [name, z.optional(OPERATORS[name].operand)])) as Operands;

/** Whether the predicate's operator holds for the value; false when it names none. */
export function operatorHolds(predicate: { [K in OperatorName]?: z.infer<(typeof OPERATORS)[K]['operand']> }, value: unknown) {
  const name = OPERATOR_NAMES.find((n) => predicate[n] !== undefined);
  if (name === undefined) return false;
  const { holds } = OPERATORS[name] as { holds: (operand: unknown, value: unknown) => boolean };
  return holds(predicate[name], value);
}
