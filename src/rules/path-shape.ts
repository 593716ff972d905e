// Which rules of the config can produce a given path, and the nearest ones when none can ("why is this URL
// stale?"). Each purge template is read as the shape of the paths it may expand to: a simple variable fills
// one segment, `{+var}` anything, a pattern's `*` anything; a tag template the same way against the tags the
// tag index knows for the path. Pure.
import type { RelayConfig } from './schema';

export interface Producer {
  ruleId: string;
  /** The template (path or tag) that fits. */
  template: string;
  via: 'path' | 'tag';
}

export interface NearRule {
  ruleId: string;
  template: string;
  /** 0..1: the share of segments that agree, less for extra or missing ones. */
  score: number;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The operators of RFC 6570 expressions and what each may expand to (values are percent-encoded). */
const EXPANSION: Record<string, string> = {
  '': '[^/?#]*',
  '+': '.*',
  '#': '.*',
  '/': '(?:/[^/?#]*)*',
  '.': '(?:\\.[^/?#]*)*',
  ';': '(?:;[^/?#]*)*',
  '?': '(?:\\?.*)?',
  '&': '(?:&.*)?',
};

/** Variables whose values the config knows: `{+localePrefix}` is one of the configured prefixes, nothing else. */
export type KnownValues = Readonly<Record<string, readonly string[]>>;

const knownOf = (config: RelayConfig): KnownValues => {
  const prefixes = Object.values(config.locales);
  return { localePrefix: prefixes.length > 0 ? prefixes : [''] };
};

/** The regular expression of every path a template may expand to (`wildcards`: a pattern's `*` matches anything). */
export function templateShape(template: string, wildcards = false, known: KnownValues = {}): RegExp {
  let source = '';
  for (const part of template.split(/(\{[^}]*\})/)) {
    if (part.startsWith('{') && part.endsWith('}')) {
      const values = known[part.slice(1, -1).replace(/^\+/, '')];
      source += values ? `(?:${values.map(escape).join('|')})` : (EXPANSION[part[1] ?? ''] ?? EXPANSION['']!);
    } else source += wildcards ? part.split('*').map(escape).join('.*') : escape(part);
  }
  return new RegExp(`^${source}$`);
}

type Rule = RelayConfig['rules'][number];

const pathTemplates = (rule: Rule) => [
  ...rule.purge.map((e) => (typeof e === 'string' ? { path: e, kind: 'url' } : e)),
  ...rule.prefetch.map((path) => ({ path, kind: 'url' })),
];

const rulesOf = (config: RelayConfig, distribution: string) => config.rules.filter((r) => r.distribution === distribution);

/** The rules of a distribution that can produce `path`: by a path template, or by a tag the path carries. */
export function producersOf(config: RelayConfig, distribution: string, path: string, tags: readonly string[] = []): Producer[] {
  const out: Producer[] = [];
  const known = knownOf(config);
  for (const rule of rulesOf(config, distribution)) {
    const byPath = pathTemplates(rule).find((e) => templateShape(e.path, e.kind === 'pattern', known).test(path));
    if (byPath) out.push({ ruleId: rule.id, template: byPath.path, via: 'path' });
    const byTag = rule.tags.find((t) => tags.some((tag) => templateShape(t).test(tag)));
    if (!byPath && byTag) out.push({ ruleId: rule.id, template: byTag, via: 'tag' });
  }
  return out;
}

// A leading locale prefix is compared as if absent: `/de/blog/x` and `/blog/x` share their segments.
const segments = (text: string) =>
  text
    .replace(/^\{\+localePrefix\}/, '')
    .split('?')[0]!
    .split('/')
    .filter(Boolean);

/** How alike a path and a template are, segment by segment: a literal equal counts 1, a variable ½. */
export function similarity(path: string, template: string): number {
  const a = segments(path);
  const b = segments(template);
  let agree = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const t = b[i]!;
    if (t === a[i]) agree += 1;
    else if (t.includes('{') || t.includes('*')) agree += templateShape(t, true).test(a[i]!) ? 0.5 : 0.25;
  }
  return agree / Math.max(a.length, b.length, 1);
}

/** The rules of the distribution whose templates come closest to `path`, best first (at most `count`). */
export function nearestRules(config: RelayConfig, distribution: string, path: string, count = 3): NearRule[] {
  const best = rulesOf(config, distribution).flatMap((rule) => {
    const scored = pathTemplates(rule).map((e) => ({ ruleId: rule.id, template: e.path, score: similarity(path, e.path) }));
    return scored.sort((x, y) => y.score - x.score).slice(0, 1);
  });
  const top = Math.max(0, ...best.map((n) => n.score));
  // Only rules about as close as the closest: one that shares nothing but a variable segment is no hint.
  return best
    .filter((n) => n.score > 0 && n.score >= top / 2)
    .sort((x, y) => y.score - x.score)
    .slice(0, count)
    .map((n) => ({ ...n, score: Math.round(n.score * 100) / 100 }));
}
