// What a produced path may be (issue 14, F5). A value from a payload must never choose how much a purge covers:
// no "." or ".." segments; a pattern filled from the payload keeps foldDepth segments of fixed text before its
// first payload variable, and none of its payload expressions may give only "/" (or nothing). Pure.
import type { CompiledTemplate, ExpandedPiece } from './template';

/** Variables whose values come from the config or the relay, not from the payload. */
const CONFIG_VARIABLES = new Set(['localePrefix', 'page', 'source', 'provider']);
const fromPayload = (name: string) => !CONFIG_VARIABLES.has(name);

/** Path segments as foldDepth counts them: "/blog/" and "/blog" hold 1, "/" and "" none. */
export const segmentCount = (text: string) => text.split('/').filter(Boolean).length;

/**
 * Whether the path part (before `?` or `#`) holds a "." or ".." segment, also percent-encoded (`%2E`, equal to
 * "." by RFC 3986 §2.3). Such a path is refused rather than resolved (RFC 3986 §5.2.4 would remove the segments):
 * clients and the CDN resolve them before a URL becomes a cache key, so no cached object has one, and a value
 * holding one is climbing out of its place in the template (`/blog/{+slug}/*` with `../..` is `/*`).
 */
export function hasDotSegment(path: string): boolean {
  const pathPart = path.split(/[?#]/, 1)[0]!;
  return pathPart.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}

/**
 * Why no payload may fill this pattern template, or undefined: its fixed text before the first payload
 * variable (and before any `*`) holds fewer than `foldDepth` segments, so a value would choose the scope.
 * A pattern without payload variables (`/*`, `{+localePrefix}/menu*`) is the operator's own choice.
 */
export function patternTemplateProblem(template: CompiledTemplate, foldDepth: number): string | undefined {
  let fixed = '';
  for (const piece of template.pieces) {
    if ('literal' in piece) {
      fixed += piece.literal;
      continue;
    }
    const payload = piece.names.find(fromPayload);
    // A config variable ({+localePrefix}) adds segments, or none: it is not counted.
    if (payload === undefined) continue;
    const depth = segmentCount(fixed.split('*', 1)[0]!);
    if (depth >= foldDepth) return undefined;
    return (
      `a pattern filled from the payload ({${payload}}) needs at least foldDepth (${foldDepth}) path segment(s) ` +
      `of fixed text before it, and has ${depth}: a value could make it purge the whole site ` +
      `(write the fixed part first, e.g. "/uploads/{fields.hash}*")`
    );
  }
  return undefined;
}

/** The payload variable whose expression gave nothing or only "/" in a produced pattern (it would widen it), or undefined. */
export function wideningVariable(pieces: readonly ExpandedPiece[]): string | undefined {
  for (const piece of pieces) {
    const name = piece.names?.find(fromPayload);
    if (name !== undefined && /^\/*$/.test(piece.text)) return name;
  }
  return undefined;
}

/** Whether a template's own text (its expressions aside) holds a dot segment: a mistake in the config. */
export const templateHasDotSegment = (template: CompiledTemplate) =>
  hasDotSegment(template.pieces.map((p) => ('literal' in p ? p.literal : 'x')).join(''));
