// Fills a rule's path entries from an event: per locale, per previous values, per list element, per page.
import type { ContentEvent } from '../providers/types';
import { isBlank, resolve } from './conditions';
import { hasDotSegment, wideningVariable } from './path-safety';
import type { CompiledTemplate, TemplateValue } from './template';

/** Most paths one entry may produce for one event; past it the rest are dropped (and reported). */
export const MAX_PATHS_PER_ENTRY = 1000;

/**
 * Variables every payload of a document carries (or none depend on it): paths made only of these can
 * be produced again from any later payload, so they are not remembered (an id-only payload has them).
 */
const REPRODUCIBLE = new Set(['page', 'locale', 'localePrefix', 'type', 'contentType', 'source', 'provider', 'id', 'documentId']);

export interface CompiledEntry {
  template: CompiledTemplate;
  kind: 'url' | 'pattern' | 'prefetch';
  priority: number;
  prefetch: boolean;
  pages?: { from: number; to: number };
  /** Reads the document's own values, so its paths are remembered for the next change. */
  dependent: boolean;
  /** Why every path of this entry is refused (a pattern a payload could widen: path-safety.ts), or undefined. */
  refused?: string;
  /** A cache tag, not a path: the path checks do not apply. */
  tag?: true;
}

export const isDependent = (t: CompiledTemplate) => t.variables.some((v) => !REPRODUCIBLE.has(v));

/** Previous values as one locale saw them: a value keyed by locale (DatoCMS sends `{en: …, it: …}`) gives that locale's. */
function forLocale(previous: Record<string, unknown>, locale: string | undefined): Record<string, unknown> {
  if (locale === undefined) return previous;
  return Object.fromEntries(
    Object.entries(previous).map(([k, v]) => [
      k,
      v && typeof v === 'object' && !Array.isArray(v) && locale in v ? (v as Record<string, unknown>)[locale] : v,
    ]),
  );
}

/** The variables templates see for one locale, from the current values or from the previous ones. */
export interface Scope {
  vars: Record<string, unknown>;
  locale?: string;
  previous?: true;
}

/** Template variables each unsigned event field goes by (ContentEvent.unsigned): templates never read them. */
const UNSIGNED_VARS: Record<string, readonly string[]> = {
  action: ['action'],
  topic: ['topic'],
  contentType: ['contentType', 'type'],
  deliveryId: ['deliveryId'],
};

/** Marks what a header the platform does not sign gave, so a template reading it explains why it is empty. */
const UNSIGNED = Symbol('unsigned');

function withoutUnsigned(vars: Record<string, unknown>, unsigned: readonly string[] | undefined): Record<string, unknown> {
  for (const field of unsigned ?? []) for (const name of UNSIGNED_VARS[field] ?? []) vars[name] = UNSIGNED;
  return vars;
}

/**
 * One scope per locale of the event; an event without locales (a tombstone, an id-only payload) gets
 * one per configured locale, or one without a locale. A locale's fields fall back to the event's main
 * fields (Contentful sends a field that is not localized under the default locale only). When the
 * platform sent previous values, one more scope per locale where they overlay the current fields
 * (Ghost sends only the changed ones, a Sanity `before()` projection the whole document).
 */
export function eventScopes(event: ContentEvent, prefixes: Readonly<Record<string, string>>): Scope[] {
  const configured = Object.keys(prefixes);
  const locales: (string | undefined)[] =
    event.locales.length > 0 ? event.locales : configured.length > 0 ? configured : [undefined];
  const previous = event.previous && Object.keys(event.previous).length > 0 ? event.previous : undefined;
  return locales.flatMap((locale) => {
    const fields = { ...event.fields, ...(locale && event.localized?.[locale]) };
    const vars = withoutUnsigned(
      {
        ...event,
        fields,
        locale,
        localePrefix: locale === undefined ? '' : prefixes[locale],
        id: event.documentId,
        type: event.contentType,
      },
      event.unsigned,
    );
    const scopes: Scope[] = [{ vars, locale }];
    if (previous)
      scopes.push({ vars: { ...vars, fields: { ...fields, ...forLocale(previous, locale) } }, locale, previous: true });
    return scopes;
  });
}

/** What conditions read: the current fields, with previous values filling in what the payload lacks. */
export function conditionScope(event: ContentEvent): Record<string, unknown> {
  const locale = event.locales[0];
  const fields = (locale && event.localized?.[locale]) || event.fields;
  return { ...event, fields: { ...event.previous, ...fields }, locale, id: event.documentId, type: event.contentType };
}

const blank = (name: string, v: unknown) => (name === 'localePrefix' ? v === undefined : isBlank(v));

/** The values each variable takes: a list used without `*` fans out to one path per element. */
function dimensions(entry: CompiledEntry, scope: Scope): [string, TemplateValue[]][] | string {
  const dims: [string, TemplateValue[]][] = [];
  for (const name of entry.template.variables) {
    if (name === 'page' && entry.pages) {
      const { from, to } = entry.pages;
      dims.push([name, Array.from({ length: to - from + 1 }, (_, i) => from + i)]);
      continue;
    }
    const value = resolve(scope.vars, name);
    if (value === UNSIGNED) return `${name} (it comes from a header the platform does not sign)`;
    if (blank(name, value)) return name;
    // A list's usable elements are its scalars (lists and objects inside it have no form in a path).
    const scalars = Array.isArray(value) ? [...new Set(value.filter((v) => !isBlank(v) && typeof v !== 'object'))] : [value];
    if (scalars.length === 0) return name;
    const fanOut = Array.isArray(value) && entry.template.uses.some((u) => u.name === name && !u.explode);
    const values = fanOut ? scalars : [value];
    dims.push([name, values as TemplateValue[]]);
  }
  return dims;
}

export interface Expansion {
  paths: string[];
  /** Why the entry produced nothing (or less) for this scope: a variable without a value, a bad path. */
  reason?: string;
  /** Why a path was refused for safety: a dot segment, a pattern a value would widen (path-safety.ts). */
  refused?: string;
  truncated?: true;
}

/** Why a produced path is refused for safety, or undefined. */
function refusal(entry: CompiledEntry, path: string, pieces: Parameters<typeof wideningVariable>[0]): string | undefined {
  if (entry.tag) return undefined;
  if (hasDotSegment(path)) return `gives ${JSON.stringify(path)}, which holds a "." or ".." segment`;
  const widening = entry.kind === 'pattern' ? wideningVariable(pieces) : undefined;
  if (widening === undefined) return undefined;
  return `{${widening}} gives nothing but "/", which would widen the pattern to ${JSON.stringify(path)}`;
}

/** Every path an entry gives for one scope: the cartesian product of its variables' values, capped. */
export function expandEntry(entry: CompiledEntry, scope: Scope, budget = MAX_PATHS_PER_ENTRY): Expansion {
  if (entry.refused) return { paths: [], refused: entry.refused };
  const dims = dimensions(entry, scope);
  if (typeof dims === 'string') return { paths: [], reason: `no value for ${dims}` };
  const paths: string[] = [];
  let reason: string | undefined;
  let refused: string | undefined;
  const chosen: Record<string, TemplateValue> = {};
  const walk = (d: number): boolean => {
    if (d === dims.length) {
      if (paths.length >= budget) return false;
      const pieces = entry.template.expandPieces((name) =>
        name in chosen ? chosen[name] : (resolve(scope.vars, name) as TemplateValue),
      );
      const path = pieces.map((p) => p.text).join('');
      const unsafe = path.startsWith('/') ? refusal(entry, path, pieces) : undefined;
      if (!path.startsWith('/')) reason ??= `gives ${JSON.stringify(path)}, which does not start with "/"`;
      else if (unsafe) refused ??= unsafe;
      else paths.push(path);
      return true;
    }
    const [name, values] = dims[d]!;
    for (const v of values) {
      chosen[name] = v;
      if (!walk(d + 1)) return false;
    }
    return true;
  };
  const done = walk(0);
  return { paths, ...(reason && { reason }), ...(refused && { refused }), ...(!done && { truncated: true as const }) };
}
