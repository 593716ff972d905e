// Values nested or sized to exhaust the stack or the CPU (issue 14, F9): reading them through lists is
// iterative and within budgets; past a budget the value counts as missing. Never a throw, never a 500.
import { describe, expect, it } from 'vitest';
import { matchEvent } from '../../../src/rules/matcher';
import { MAX_LIST_DEPTH, MAX_LIST_ELEMENTS, resolve } from '../../../src/rules/conditions';
import { compile, event } from './helpers';

/** `[[[…{"slug": leaf}…]]]`, `depth` lists deep, built without recursion. */
function nested(depth: number, leaf: unknown = { slug: 'deep' }): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const RULES = {
  rules: [
    { id: 'read-through', distribution: 'main', match: { where: [{ field: 'fields.deep.slug', exists: true }] }, purge: ['/a'] },
    { id: 'compare', distribution: 'main', match: { where: [{ field: 'fields.deep', equals: 'x' }] }, purge: ['/b'] },
    { id: 'template', distribution: 'main', purge: ['/c/{fields.deep.slug}', '/d/{fields.deep}', '/e{/fields.deep*}'] },
  ],
};

describe('lists nested 100,000 deep in a verified payload', () => {
  const deep = event({ fields: { deep: nested(100_000) } });

  it('are matched, explained and serialized without overflowing the stack: the value counts as missing', () => {
    const result = matchEvent(compile(RULES), deep, { explain: true });
    expect(result.misses.map((m) => m.ruleId).sort()).toEqual(['compare', 'read-through']);
    expect(result.matches.map((m) => m.ruleId)).toEqual(['template']);
    expect(result.matches[0]!.paths).toEqual([]);
    // The preview answers this as JSON: it must serialize.
    expect(() => JSON.stringify(result)).not.toThrow();
  });

  it('are read through up to MAX_LIST_DEPTH lists, and missing past it', () => {
    expect(resolve({ x: nested(MAX_LIST_DEPTH - 1) }, 'x.slug')).toEqual(['deep']);
    expect(resolve({ x: nested(MAX_LIST_DEPTH + 1) }, 'x.slug')).toBeUndefined();
  });

  it('a list read through with more than MAX_LIST_ELEMENTS elements counts as missing', () => {
    const wide = Array.from({ length: MAX_LIST_ELEMENTS + 1 }, (_, i) => ({ slug: `s${i}` }));
    expect(resolve({ x: wide.slice(0, MAX_LIST_ELEMENTS) }, 'x.slug')).toHaveLength(MAX_LIST_ELEMENTS);
    expect(resolve({ x: wide }, 'x.slug')).toBeUndefined();
    const fanned = Array.from({ length: 200 }, () => ({ slug: Array.from({ length: 100 }, (_, i) => `t${i}`) }));
    expect(resolve({ x: fanned }, 'x.slug')).toBeUndefined();
  });
});

describe('nestsDeeperThan (admin bodies are refused past 1,000 levels)', () => {
  it('counts brackets outside strings only, in one pass', async () => {
    const { nestsDeeperThan } = await import('../../../src/lib/json-depth');
    expect(nestsDeeperThan('[[1]]', 2)).toBe(false);
    expect(nestsDeeperThan('[[[1]]]', 2)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[1]}}', 2)).toBe(true);
    expect(nestsDeeperThan('["[[[[", "\\"[[[["]', 1)).toBe(false);
    expect(nestsDeeperThan(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 1000)).toBe(true);
  });
});
