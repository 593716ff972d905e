// Config checks that need the whole document: references between sections, templates, conditions, cron.
import { parseCron } from '../lib/cron-expression';
import { getProvider } from '../providers/registry';
import { describeIssue } from './issues';
import { OPERATOR_NAMES } from './operators';
import { MAX_PAGES, type Condition, type PathEntry, type RuleConfig } from './rule-schema';
import { compileTemplate } from './template';

type Key = PropertyKey;
export type Issue = { message: string; path: Key[] };

/** The parts of the parsed document these checks read. */
export interface CheckedDocument {
  distributions: Record<string, unknown>;
  sources: Record<string, { provider: string; secrets: string[]; options: Record<string, unknown> }>;
  locales: Record<string, string>;
  rules: RuleConfig[];
  schedules: { cron: string; distribution: string; purge: string[]; purgeAll: boolean; prefetch: string[] }[];
}

/** What is wrong with one template as an entry uses it, or undefined. */
export function templateProblem(template: string, entry: Partial<PathEntry>, hasLocales: boolean): string | undefined {
  let uses;
  try {
    uses = compileTemplate(template).uses;
  } catch (e) {
    return `invalid URI template: ${(e as Error).message}`;
  }
  const reads = (name: string) => uses.some((u) => u.name === name);
  if (entry.pages && !reads('page')) return 'a template with "pages" must use {page}';
  if (!entry.pages && reads('page')) return '{page} needs "pages": {"from": 2, "to": 5}';
  if (uses.some((u) => u.name === 'localePrefix' && u.op !== '+')) {
    return 'write {+localePrefix}: the prefix holds "/", which {localePrefix} would encode as %2F';
  }
  if (reads('localePrefix') && !hasLocales) return '{+localePrefix} needs a "locales" map at the top of the config';
  return undefined;
}

function checkEntry(entry: string | PathEntry, path: Key[], hasLocales: boolean, issues: Issue[]) {
  const e: Partial<PathEntry> = typeof entry === 'string' ? {} : entry;
  const problem = templateProblem(typeof entry === 'string' ? entry : entry.path, e, hasLocales);
  if (problem) issues.push({ path: typeof entry === 'string' ? path : [...path, 'path'], message: problem });
  if (e.kind === 'pattern' && e.prefetch)
    issues.push({ path: [...path, 'prefetch'], message: 'a pattern cannot be prefetched; list the URL separately' });
  if (e.pages && e.pages.to < e.pages.from) issues.push({ path: [...path, 'pages', 'to'], message: 'must be >= pages.from' });
  if (e.pages && e.pages.to - e.pages.from >= MAX_PAGES)
    issues.push({ path: [...path, 'pages'], message: `at most ${MAX_PAGES} pages per entry` });
}

function checkCondition(c: Condition, path: Key[], issues: Issue[]) {
  if ('all' in c) return c.all.forEach((x, i) => checkCondition(x, [...path, 'all', i], issues));
  if ('any' in c) return c.any.forEach((x, i) => checkCondition(x, [...path, 'any', i], issues));
  if ('not' in c) return checkCondition(c.not, [...path, 'not'], issues);
  const ops = OPERATOR_NAMES.filter((k) => k in c);
  if (ops.length !== 1) issues.push({ path, message: `needs exactly one of ${OPERATOR_NAMES.join(', ')}` });
}

function checkRules(config: CheckedDocument, issues: Issue[]) {
  const seen = new Set<string>();
  const hasLocales = Object.keys(config.locales).length > 0;
  config.rules.forEach((rule, i) => {
    const at = ['rules', i];
    if (seen.has(rule.id)) issues.push({ path: [...at, 'id'], message: `duplicate rule id "${rule.id}"` });
    seen.add(rule.id);
    if (!(rule.distribution in config.distributions))
      issues.push({ path: [...at, 'distribution'], message: `unknown distribution "${rule.distribution}"` });
    rule.match.sources?.forEach((s, j) => {
      if (!(s in config.sources)) issues.push({ path: [...at, 'match', 'sources', j], message: `unknown source "${s}"` });
    });
    rule.match.where?.forEach((c, j) => checkCondition(c, [...at, 'match', 'where', j], issues));
    rule.purge.forEach((entry, j) => checkEntry(entry, [...at, 'purge', j], hasLocales, issues));
    rule.prefetch.forEach((t, j) => checkEntry(t, [...at, 'prefetch', j], hasLocales, issues));
    rule.tags.forEach((t, j) => {
      const problem = templateProblem(`/${t}`, {}, hasLocales);
      if (problem) issues.push({ path: [...at, 'tags', j], message: problem });
    });
  });
}

export function crossCheck(config: CheckedDocument): Issue[] {
  const issues: Issue[] = [];
  for (const [sourceId, source] of Object.entries(config.sources)) {
    const provider = getProvider(source.provider);
    const parsed = provider?.options.safeParse(source.options);
    for (const issue of parsed?.success === false ? parsed.error.issues : []) {
      issues.push({ path: ['sources', sourceId, 'options', ...issue.path], message: describeIssue(issue) });
    }
    // Providers verifying with public keys alone (JWKS, certificates) need no secret; all others do.
    if (source.secrets.length === 0 && parsed?.success && provider?.usesSecrets?.(parsed.data) !== false) {
      issues.push({ path: ['sources', sourceId, 'secrets'], message: 'must name at least one Worker secret' });
    }
  }
  checkRules(config, issues);
  config.schedules.forEach((s, i) => {
    if (!(s.distribution in config.distributions))
      issues.push({ path: ['schedules', i, 'distribution'], message: `unknown distribution "${s.distribution}"` });
    try {
      parseCron(s.cron);
    } catch (e) {
      issues.push({ path: ['schedules', i, 'cron'], message: (e as Error).message });
    }
    if (!s.purgeAll && s.purge.length === 0 && s.prefetch.length === 0) {
      issues.push({ path: ['schedules', i], message: 'needs purge paths, purgeAll or prefetch paths' });
    }
    [...s.purge, ...s.prefetch].forEach((t, j) => {
      try {
        compileTemplate(t);
      } catch (e) {
        const [list, k] = j < s.purge.length ? ['purge', j] : ['prefetch', j - s.purge.length];
        issues.push({ path: ['schedules', i, list, k], message: `invalid URI template: ${(e as Error).message}` });
      }
    });
  });
  return issues;
}
