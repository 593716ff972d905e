// "Did you mean …": unknown config keys are answered with the nearest key the schema allows at that place.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/rules/schema';
import { allowedKeys, editDistance, nearestKey } from '../../../src/rules/suggest';
import { baseConfig } from '../support/helpers';

const issuesOf = (config: Record<string, unknown>) => {
  const parsed = parseConfig(config);
  return parsed.ok ? [] : parsed.issues;
};

describe('nearestKey', () => {
  it('measures edits case-insensitively', () => {
    expect(editDistance('purgue', 'purge')).toBe(1);
    expect(editDistance('coalesceMS', 'coalesceMs')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('offers the nearest allowed key for a typo and nothing for an unrelated word', () => {
    expect(nearestKey('purgue', ['id', 'purge', 'prefetch'])).toBe('purge');
    expect(nearestKey('distributon', ['distribution', 'distributions'])).toBe('distribution');
    expect(nearestKey('banana', ['id', 'purge', 'prefetch'])).toBeUndefined();
  });
});

describe('allowedKeys from the config JSON Schema', () => {
  it('knows the top level, a distribution (a record value) and a rule (a list item)', () => {
    expect(allowedKeys([])).toEqual(expect.arrayContaining(['gotipath', 'distributions', 'sources', 'rules', 'schedules']));
    expect(allowedKeys(['distributions', 'main'])).toEqual(expect.arrayContaining(['id', 'coalesceMs', 'publicBaseUrl']));
    expect(allowedKeys(['rules', 0])).toEqual(expect.arrayContaining(['id', 'distribution', 'purge', 'match']));
  });

  it('knows nothing at a place the schema does not describe', () => {
    expect(allowedKeys(['nowhere', 'at', 'all'])).toEqual([]);
  });
});

describe('the config validator says what was meant', () => {
  it('for a distribution key written in the wrong case', () => {
    const config = baseConfig();
    const main = (config.distributions as Record<string, Record<string, unknown>>).main!;
    const { coalesceMs, ...rest } = main;
    (config.distributions as Record<string, unknown>).main = { ...rest, coalesceMS: coalesceMs ?? 1000 };
    expect(issuesOf(config)).toEqual([
      { path: 'distributions.main', message: 'unknown key "coalesceMS" (did you mean "coalesceMs"?)' },
    ]);
  });

  it('for a top-level typo, and keeps quiet about a key nothing resembles', () => {
    expect(issuesOf({ ...baseConfig(), shedules: [] })).toEqual([
      { path: '(root)', message: 'unknown key "shedules" (did you mean "schedules"?)' },
    ]);
    expect(issuesOf({ ...baseConfig(), banana: 1 })).toEqual([{ path: '(root)', message: 'unknown key "banana"' }]);
  });

  it('for several unknown keys at once, each with its own hint', () => {
    const config = baseConfig({ rules: [{ id: 'r', distribution: 'main', purge: ['/a'], mach: {}, prefech: [] }] });
    expect(issuesOf(config)).toEqual([
      { path: 'rules[0]', message: 'unknown keys "mach", "prefech" (did you mean "mach" → "match", "prefech" → "prefetch"?)' },
    ]);
  });
});
