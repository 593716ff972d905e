// An index of rules by (source, action, content type), so an event only meets the rules that can match it.
import type { RuleConfig } from './rule-schema';

/** Stands for "any value" in a key; no source id, action or content type can contain it. */
const ANY = '\u0000';
const SEP = '\u0001';

export type RuleIndex = ReadonlyMap<string, readonly number[]>;

/**
 * Files each rule under every (source, action, type) its match lists allow, with ANY for an
 * unrestricted dimension. An event then looks up the 8 keys made of its own values or ANY; a rule
 * sits under exactly one of them, so the lookups never return it twice.
 */
export function buildIndex(rules: readonly RuleConfig[]): RuleIndex {
  const index = new Map<string, number[]>();
  rules.forEach(({ match }, i) => {
    for (const source of match.sources ?? [ANY]) {
      for (const action of match.actions ?? [ANY]) {
        for (const type of match.contentTypes ?? [ANY]) {
          const key = source + SEP + action + SEP + type;
          const list = index.get(key);
          if (list) list.push(i);
          else index.set(key, [i]);
        }
      }
    }
  });
  return index;
}

/** Positions (in config order) of the rules whose source, action and content type fit the event. */
export function candidates(index: RuleIndex, event: { source: string; action: string; contentType?: string }): number[] {
  const found: number[] = [];
  const types = event.contentType === undefined ? [ANY] : [event.contentType, ANY];
  for (const source of [event.source, ANY]) {
    for (const action of [event.action, ANY]) {
      for (const type of types) found.push(...(index.get(source + SEP + action + SEP + type) ?? []));
    }
  }
  return found.sort((a, b) => a - b);
}
