// Matches a ContentEvent against the rules and fills their path templates: pure, no I/O.
import type { ContentEvent } from '../providers/types';
import type { RelayConfig, RuleConfig } from './schema';
import { compileTemplate, type CompiledTemplate, type TemplateValue } from './template';

type Predicate = NonNullable<RuleConfig['match']['where']>[number];

export interface CompiledRule {
  rule: RuleConfig;
  purge: CompiledTemplate[];
  prefetch: CompiledTemplate[];
}

export interface CompiledConfig {
  config: RelayConfig;
  rules: CompiledRule[];
}

export interface RuleMatch {
  ruleId: string;
  distribution: string;
  purge: string[];
  prefetch: string[];
  /** Templates left out because a variable they read had no value, with that variable. */
  skipped: { template: string; missing: string }[];
}

export interface RuleMiss {
  ruleId: string;
  reason: string;
}

export interface MatchResult {
  matches: RuleMatch[];
  misses: RuleMiss[];
}

export function compileConfig(config: RelayConfig): CompiledConfig {
  return {
    config,
    rules: config.rules.map((rule) => ({
      rule,
      purge: rule.purge.map(compileTemplate),
      prefetch: rule.prefetch.map(compileTemplate),
    })),
  };
}

/** Reads a dotted name (`fields.slug`, `previous.slug`, `documentId`) from an event's view. */
export function resolve(scope: Record<string, unknown>, name: string): unknown {
  let value: unknown = scope;
  for (const key of name.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The variables a template sees: the event, with `fields` for one locale and short aliases. */
export function eventScope(event: ContentEvent, locale?: string): Record<string, unknown> {
  const fields = (locale && event.localized?.[locale]) || event.fields;
  return {
    ...event,
    fields,
    locale,
    id: event.documentId,
    type: event.contentType,
  };
}

const same = (a: unknown, b: unknown) =>
  a === b || (typeof a !== typeof b && (typeof a === 'number' || typeof b === 'number') && String(a) === String(b));

function testPredicate(p: Predicate, value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  if (p.exists !== undefined) return (value !== undefined && value !== null) === p.exists;
  if (p.equals !== undefined) return values.some((v) => same(v, p.equals));
  if (p.in !== undefined) return values.some((v) => p.in!.some((x) => same(v, x)));
  if (p.prefix !== undefined) return values.some((v) => typeof v === 'string' && v.startsWith(p.prefix!));
  return false;
}

/** Why a rule does not apply to an event, or undefined when it does. */
export function whyNot(rule: RuleConfig, event: ContentEvent): string | undefined {
  const { sources, actions, contentTypes, where } = rule.match;
  if (sources && !sources.includes(event.source)) return `source "${event.source}" is not in ${JSON.stringify(sources)}`;
  if (actions && !actions.includes(event.action)) return `action "${event.action}" is not in ${JSON.stringify(actions)}`;
  if (contentTypes && !(event.contentType && contentTypes.includes(event.contentType))) {
    return `content type ${JSON.stringify(event.contentType ?? null)} is not in ${JSON.stringify(contentTypes)}`;
  }
  const scope = eventScope(event, event.locales[0]);
  for (const p of where ?? []) {
    const value = resolve(scope, p.field);
    if (!testPredicate(p, value)) return `${p.field} = ${JSON.stringify(value ?? null)} fails ${JSON.stringify(p)}`;
  }
  return undefined;
}

function expandAll(templates: CompiledTemplate[], scopes: Record<string, unknown>[], skipped: RuleMatch['skipped']) {
  const paths = new Set<string>();
  for (const template of templates) {
    for (const scope of scopes) {
      const missing = template.variables.find((name) => {
        const v = resolve(scope, name);
        return v === undefined || v === null || v === '';
      });
      if (missing) {
        if (!skipped.some((s) => s.template === template.source)) skipped.push({ template: template.source, missing });
        continue;
      }
      paths.add(template.expand((name) => resolve(scope, name) as TemplateValue));
    }
  }
  return [...paths];
}

/** Every rule the event meets, with its paths; and for the others, why not. */
export function matchEvent(compiled: CompiledConfig, event: ContentEvent): MatchResult {
  const result: MatchResult = { matches: [], misses: [] };
  const scopes = event.locales.length > 0 ? event.locales.map((l) => eventScope(event, l)) : [eventScope(event)];
  for (const { rule, purge, prefetch } of compiled.rules) {
    const reason = whyNot(rule, event);
    if (reason) {
      result.misses.push({ ruleId: rule.id, reason });
      continue;
    }
    const skipped: RuleMatch['skipped'] = [];
    result.matches.push({
      ruleId: rule.id,
      distribution: rule.distribution,
      purge: expandAll(purge, scopes, skipped),
      prefetch: expandAll(prefetch, scopes, skipped),
      skipped,
    });
  }
  return result;
}
