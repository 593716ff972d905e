// Matches a ContentEvent against the rules (through the index) and fills their path entries: pure, no I/O.
import type { ContentEvent } from '../providers/types';
import { failure, resolve, shown } from './conditions';
import {
  conditionScope,
  eventScopes,
  expandEntry,
  isDependent,
  MAX_PATHS_PER_ENTRY,
  type CompiledEntry,
  type Scope,
} from './expand';
import { buildIndex, candidates, type RuleIndex } from './rule-index';
import { PRIORITY, type RuleConfig } from './rule-schema';
import type { RelayConfig } from './schema';
import { patternTemplateProblem } from './path-safety';
import { compileTemplate } from './template';
import { compileTag, fillTagTemplates } from './rule-tags';

export { resolve } from './conditions';

/** One path a rule produced: how it is purged, how urgently (lower first), and whether it is prefetched. */
export interface ProducedPath {
  path: string;
  kind: 'url' | 'pattern' | 'prefetch';
  priority: number;
  prefetch: boolean;
}

/** A document-dependent path kept in the source's memory, to purge again on the next change. */
export interface MemoryItem {
  distribution: string;
  path: string;
  kind: 'url' | 'pattern';
  priority: number;
}

export interface RuleMatch {
  ruleId: string;
  distribution: string;
  paths: ProducedPath[];
  /** Cache tags the rule names, filled from the event; the scheduler expands them at send time. */
  tags: string[];
  /**
   * Templates that gave no path for a locale, and why (a variable without a value, say). `refused`: a path
   * refused for safety (a dot segment, a pattern a value would widen: rules/path-safety.ts); recorded with the
   * delivery, and counted from the previous values too.
   */
  skipped: { template: string; reason: string; locale?: string; refused?: true }[];
  /** Templates whose lists produced more than MAX_PATHS_PER_ENTRY paths: the rest were dropped. */
  truncated?: string[];
  /** (explain) Each variable's value, per locale and for the previous values. */
  variables?: { locale?: string; previous?: true; values: Record<string, unknown> }[];
}

export interface RuleMiss {
  ruleId: string;
  reason: string;
}

export interface MatchResult {
  matches: RuleMatch[];
  misses: RuleMiss[];
  /** Rules whose source, action or content type rule them out, not listed among the misses. */
  otherRules: number;
  /** The document-dependent paths produced, to remember for the document. */
  memory: MemoryItem[];
}

export interface CompiledRule {
  rule: RuleConfig;
  entries: CompiledEntry[];
  tags: CompiledEntry[];
}

export interface CompiledConfig {
  config: RelayConfig;
  rules: CompiledRule[];
  index: RuleIndex;
}

/** Up to this many rules, explain lists why every rule missed; past it, only the indexed candidates. */
export const EXPLAIN_ALL_UP_TO = 100;

function compileEntries(rule: RuleConfig, foldDepth: number): CompiledEntry[] {
  const purge = rule.purge.map((spec, i): CompiledEntry => {
    const e = typeof spec === 'string' ? { path: spec, kind: 'url' as const, prefetch: false } : spec;
    const template = compileTemplate(e.path);
    const priority = PRIORITY[e.priority ?? (i === 0 && !e.pages ? 'page' : 'listing')];
    // Refused on save; a version stored before that check is refused here, entry by entry.
    const refused = e.kind === 'pattern' ? patternTemplateProblem(template, foldDepth) : undefined;
    const dependent = isDependent(template);
    return { template, kind: e.kind, priority, prefetch: e.prefetch, pages: e.pages, dependent, ...(refused && { refused }) };
  });
  const prefetch = rule.prefetch.map((t): CompiledEntry => ({
    template: compileTemplate(t),
    kind: 'prefetch',
    priority: PRIORITY.listing,
    prefetch: false,
    dependent: false,
  }));
  return [...purge, ...prefetch];
}

export function compileConfig(config: RelayConfig): CompiledConfig {
  return {
    config,
    rules: config.rules.map((rule) => ({
      rule,
      // A rule naming an unknown distribution is refused on save; foldDepth's least (1) stands in for it.
      entries: compileEntries(rule, config.distributions[rule.distribution]?.foldDepth ?? 1),
      tags: rule.tags.map(compileTag),
    })),
    index: buildIndex(config.rules),
  };
}

const listed = (what: string, value: string | undefined, list: readonly string[] | undefined) =>
  list && !(value !== undefined && list.includes(value))
    ? `${what} ${JSON.stringify(value ?? null)} is not in ${JSON.stringify(list)}`
    : undefined;

/** Why a rule does not apply to an event, or undefined when it does. */
export function whyNot(rule: RuleConfig, event: ContentEvent, scope = conditionScope(event)): string | undefined {
  const { sources, actions, contentTypes, topics, where } = rule.match;
  const reason =
    listed('source', event.source, sources) ??
    listed('action', event.action, actions) ??
    listed('content type', event.contentType, contentTypes) ??
    listed('topic', event.topic, topics);
  if (reason) return reason;
  for (const c of where ?? []) {
    const why = failure(c, scope);
    if (why) return why;
  }
  return undefined;
}

/** A path refused for safety, once per template and reason (every scope, the previous values' too). */
function noteRefusal(match: RuleMatch, template: string, reason: string, locale: string | undefined) {
  if (match.skipped.some((s) => s.refused && s.template === template && s.reason === reason)) return;
  match.skipped.push({ template, reason, ...(locale && { locale }), refused: true });
}

function remember(memory: Map<string, MemoryItem>, item: MemoryItem) {
  const key = `${item.distribution} ${item.kind} ${item.path}`;
  const seen = memory.get(key);
  if (!seen) memory.set(key, item);
  else seen.priority = Math.min(seen.priority, item.priority);
}

function applyRule(
  { rule, entries, tags }: CompiledRule,
  scopes: Scope[],
  memory: Map<string, MemoryItem>,
  explain: boolean,
): RuleMatch {
  const tagged = fillTagTemplates(tags, scopes);
  const match: RuleMatch = {
    ruleId: rule.id,
    distribution: rule.distribution,
    paths: [],
    tags: tagged.tags,
    skipped: tagged.skipped,
  };
  const byKey = new Map<string, ProducedPath>();
  for (const entry of entries) {
    let produced = 0;
    for (const scope of scopes) {
      const x = expandEntry(entry, scope, MAX_PATHS_PER_ENTRY - produced);
      produced += x.paths.length;
      if (x.truncated) (match.truncated ??= []).push(entry.template.source);
      if (x.reason && !scope.previous)
        match.skipped.push({ template: entry.template.source, reason: x.reason, ...(scope.locale && { locale: scope.locale }) });
      if (x.refused) noteRefusal(match, entry.template.source, x.refused, scope.locale);
      for (const path of x.paths) {
        const key = `${entry.kind} ${path}`;
        const seen = byKey.get(key);
        if (seen) {
          seen.priority = Math.min(seen.priority, entry.priority);
          seen.prefetch ||= entry.prefetch;
        } else byKey.set(key, { path, kind: entry.kind, priority: entry.priority, prefetch: entry.prefetch });
        // The document's current URLs only: an old slug is purged this once, then forgotten.
        if (entry.dependent && entry.kind !== 'prefetch' && !scope.previous)
          remember(memory, { distribution: rule.distribution, path, kind: entry.kind, priority: entry.priority });
      }
      if (x.truncated) break;
    }
  }
  match.paths = [...byKey.values()];
  if (explain)
    match.variables = scopes.map((s) => ({
      ...(s.locale && { locale: s.locale }),
      ...(s.previous && { previous: s.previous }),
      values: valuesOf([...entries, ...tags], s),
    }));
  return match;
}

function valuesOf(entries: readonly CompiledEntry[], scope: Scope): Record<string, unknown> {
  const names = new Set(entries.flatMap((e) => e.template.variables).filter((n) => n !== 'page'));
  return Object.fromEntries([...names].map((n) => [n, shown(resolve(scope.vars, n) ?? null)]));
}

/** Most refusals recorded with one delivery. */
export const MAX_REFUSALS_RECORDED = 10;

/** The paths the rules refused for safety (path-safety.ts), as lines for the delivery's record: `rule: template: why`. */
export function refusals(result: MatchResult): string[] {
  return result.matches
    .flatMap((m) => m.skipped.filter((s) => s.refused).map((s) => `${m.ruleId}: ${s.template}: ${s.reason}`))
    .slice(0, MAX_REFUSALS_RECORDED);
}

/** Every rule the event meets, with its paths; for the candidates that missed (and, in a small config, all others), why. */
export function matchEvent(compiled: CompiledConfig, event: ContentEvent, options: { explain?: boolean } = {}): MatchResult {
  const scopes = eventScopes(event, compiled.config.locales);
  const condition = conditionScope(event);
  const ids = candidates(compiled.index, event);
  const result: MatchResult = { matches: [], misses: [], otherRules: compiled.rules.length - ids.length, memory: [] };
  const memory = new Map<string, MemoryItem>();
  for (const i of ids) {
    const compiledRule = compiled.rules[i]!;
    const reason = whyNot(compiledRule.rule, event, condition);
    if (reason) result.misses.push({ ruleId: compiledRule.rule.id, reason });
    else result.matches.push(applyRule(compiledRule, scopes, memory, options.explain === true));
  }
  result.memory = [...memory.values()];
  if (options.explain && compiled.rules.length <= EXPLAIN_ALL_UP_TO) {
    const looked = new Set(ids);
    compiled.rules.forEach(({ rule }, i) => {
      if (!looked.has(i)) result.misses.push({ ruleId: rule.id, reason: whyNot(rule, event, condition) ?? 'not indexed' });
    });
    result.otherRules = 0;
  }
  return result;
}
