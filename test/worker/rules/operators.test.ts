// The predicate operators: one table (src/rules/operators.ts) gives the schema, the evaluation and the check.
import { describe, expect, it } from 'vitest';
import { failure } from '../../../src/rules/conditions';
import { OPERATOR_NAMES, type OperatorName } from '../../../src/rules/operators';
import { parseConfig } from '../../../src/rules/schema';

/** One case per operator: an operand, a value it holds for and one it does not. A new operator needs a case. */
const CASES: Record<OperatorName, { operand: unknown; holds: unknown; fails: unknown }> = {
  equals: { operand: 'news', holds: ['blog', 'news'], fails: 'blog' },
  in: { operand: [1, 'two'], holds: '1', fails: 3 },
  exists: { operand: true, holds: 'x', fails: [] },
  prefix: { operand: '/docs', holds: '/docs/a', fails: '/blog' },
};

const configWith = (where: unknown) => ({
  distributions: { main: { id: 'd' } },
  sources: { s: { provider: 'strapi', secrets: ['T'] } },
  rules: [{ id: 'r', distribution: 'main', match: { where: [where] }, purge: ['/'] }],
});

describe('predicate operators', () => {
  it('have a case each in this test', () => {
    expect(Object.keys(CASES).sort()).toEqual([...OPERATOR_NAMES].sort());
  });

  it.each(OPERATOR_NAMES)('%s is accepted by the config schema, holds and fails as its table entry says', (name) => {
    const { operand, holds, fails } = CASES[name];
    const predicate = { field: 'fields.x', [name]: operand };
    expect(parseConfig(configWith(predicate)).ok).toBe(true);
    expect(failure(predicate as never, { fields: { x: holds } })).toBeUndefined();
    expect(failure(predicate as never, { fields: { x: fails } })).toMatch(/fails/);
  });

  it('refuses a predicate with two operators or none, naming every operator', () => {
    for (const where of [{ field: 'f', equals: 1, prefix: '/' }, { field: 'f' }]) {
      const parsed = parseConfig(configWith(where));
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.issues[0]?.message).toBe(`needs exactly one of ${OPERATOR_NAMES.join(', ')}`);
    }
  });
});
