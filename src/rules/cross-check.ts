// Config checks that need the whole document: references between sections, templates, conditions, cron.
import { parseCron } from '../lib/cron-expression';
import { getProvider } from '../providers/registry';
import { RELAY_SETTINGS } from '../settings';
import { describeIssue } from './issues';
import { OPERATOR_NAMES } from './operators';
import { MAX_PAGES, type Condition, type PathEntry, type RuleConfig } from './rule-schema';
import { patternTemplateProblem, templateHasDotSegment } from './path-safety';
import { compileTemplate } from './template';

type Key = PropertyKey;
/**
 * One problem at its field. `onSave`: a check added after configs were already stored (issue 14). A document
 * being saved is refused for it; a stored version is still loaded (refusing it would fail every webhook of
 * every source), and the same guard acts at run time on what it concerns instead.
 */
export type Issue = { message: string; path: Key[]; onSave?: true };

/** The parts of the parsed document these checks read. */
export interface CheckedDocument {
  distributions: Record<
    string,
    {
      foldDepth: number;
      tags: { reportSecret?: string };
      verify?: { originHeader?: { secret: string } };
      origin?: { steps: { secret?: string; secretHeaders?: Record<string, { secret: string }> }[] };
    }
  >;
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

/** F5: a template's own text with a dot segment, and a pattern a payload value could widen (path-safety.ts). */
function safetyProblem(template: string, kind: PathEntry['kind'] | undefined, foldDepth: number): string | undefined {
  let compiled;
  try {
    compiled = compileTemplate(template);
  } catch {
    return undefined; // reported by templateProblem
  }
  if (templateHasDotSegment(compiled)) return 'a path template may not hold "." or ".." segments';
  return kind === 'pattern' ? patternTemplateProblem(compiled, foldDepth) : undefined;
}

function checkEntry(entry: string | PathEntry, path: Key[], hasLocales: boolean, foldDepth: number, issues: Issue[]) {
  const e: Partial<PathEntry> = typeof entry === 'string' ? {} : entry;
  const at = typeof entry === 'string' ? path : [...path, 'path'];
  const template = typeof entry === 'string' ? entry : entry.path;
  const problem = templateProblem(template, e, hasLocales);
  if (problem) issues.push({ path: at, message: problem });
  const unsafe = safetyProblem(template, e.kind, foldDepth);
  if (unsafe) issues.push({ path: at, message: unsafe, onSave: true });
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
    const foldDepth = config.distributions[rule.distribution]?.foldDepth ?? 1;
    rule.purge.forEach((entry, j) => checkEntry(entry, [...at, 'purge', j], hasLocales, foldDepth, issues));
    rule.prefetch.forEach((t, j) => checkEntry(t, [...at, 'prefetch', j], hasLocales, foldDepth, issues));
    rule.tags.forEach((t, j) => {
      const problem = templateProblem(`/${t}`, {}, hasLocales);
      if (problem) issues.push({ path: [...at, 'tags', j], message: problem });
    });
  });
}

/** I5: a source or a report may not name one of the relay's own settings as its secret. */
function checkSecretNames(config: CheckedDocument, issues: Issue[]) {
  const own = (name: string) =>
    `${name} is one of the relay's own settings (${RELAY_SETTINGS.join(', ')}); name a Worker secret of its own`;
  for (const [sourceId, source] of Object.entries(config.sources))
    source.secrets.forEach((name, j) => {
      if (RELAY_SETTINGS.includes(name))
        issues.push({ path: ['sources', sourceId, 'secrets', j], message: own(name), onSave: true });
    });
  for (const [name, d] of Object.entries(config.distributions)) {
    const secret = d.tags.reportSecret;
    if (secret !== undefined && RELAY_SETTINGS.includes(secret))
      issues.push({ path: ['distributions', name, 'tags', 'reportSecret'], message: own(secret), onSave: true });
    const header = d.verify?.originHeader?.secret;
    if (header !== undefined && RELAY_SETTINGS.includes(header))
      issues.push({ path: ['distributions', name, 'verify', 'originHeader', 'secret'], message: own(header), onSave: true });
    d.origin?.steps.forEach((step, j) => {
      const at = ['distributions', name, 'origin', 'steps', j];
      if (step.secret !== undefined && RELAY_SETTINGS.includes(step.secret))
        issues.push({ path: [...at, 'secret'], message: own(step.secret) });
      for (const [header, { secret }] of Object.entries(step.secretHeaders ?? {}))
        if (RELAY_SETTINGS.includes(secret))
          issues.push({ path: [...at, 'secretHeaders', header, 'secret'], message: own(secret) });
    });
  }
}

/** Every problem across the document; `stored` leaves out the checks made only when a document is saved. */
export function crossCheck(config: CheckedDocument, options: { stored?: boolean } = {}): Issue[] {
  const issues = allIssues(config);
  return options.stored ? issues.filter((i) => !i.onSave) : issues;
}

function allIssues(config: CheckedDocument): Issue[] {
  const issues: Issue[] = [];
  checkSecretNames(config, issues);
  for (const [sourceId, source] of Object.entries(config.sources)) {
    const provider = getProvider(source.provider);
    const parsed = provider?.options.safeParse(source.options);
    for (const issue of parsed?.success === false ? parsed.error.issues : []) {
      issues.push({ path: ['sources', sourceId, 'options', ...issue.path], message: describeIssue(issue) });
    }
    const later = provider?.saveProblems?.(source.options) ?? [];
    for (const p of later) issues.push({ path: ['sources', sourceId, 'options', ...p.path], message: p.message, onSave: true });
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
