// RFC 6570 URI Templates (levels 1-4), compiled once, expanded per event.
// https://www.rfc-editor.org/rfc/rfc6570 — variable names may be dotted (`fields.slug`). One deliberate
// difference: `*` from a variable is always encoded (`%2A`), even in `{+var}`, because in a Gotipath pattern
// `*` is the wildcard and a value must never choose what a pattern matches (issue 14, F5).

export type TemplateValue =
  string | number | boolean | null | undefined | readonly TemplateValue[] | { readonly [key: string]: TemplateValue };

interface VarSpec {
  name: string;
  explode: boolean;
  prefix?: number;
}

interface Operator {
  first: string;
  sep: string;
  named: boolean;
  ifEmpty: string;
  allowReserved: boolean;
}

// RFC 6570 Appendix A, table of expansion behaviour per operator.
const OPERATORS: Record<string, Operator> = {
  '': { first: '', sep: ',', named: false, ifEmpty: '', allowReserved: false },
  '+': { first: '', sep: ',', named: false, ifEmpty: '', allowReserved: true },
  '#': { first: '#', sep: ',', named: false, ifEmpty: '', allowReserved: true },
  '.': { first: '.', sep: '.', named: false, ifEmpty: '', allowReserved: false },
  '/': { first: '/', sep: '/', named: false, ifEmpty: '', allowReserved: false },
  ';': { first: ';', sep: ';', named: true, ifEmpty: '', allowReserved: false },
  '?': { first: '?', sep: '&', named: true, ifEmpty: '=', allowReserved: false },
  '&': { first: '&', sep: '&', named: true, ifEmpty: '=', allowReserved: false },
};

type Part = string | { op: Operator; opChar: string; vars: VarSpec[] };

/** One variable as a template uses it: the operator of its expression and its modifiers. */
export interface TemplateVar {
  name: string;
  op: string;
  explode: boolean;
}

/** A template's text between expressions, or an expression with the names it reads. */
export type TemplatePiece = { literal: string } | { op: string; names: readonly string[] };

/** One piece as expanded: its text, and for an expression the names it reads. */
export interface ExpandedPiece {
  text: string;
  names?: readonly string[];
}

export interface CompiledTemplate {
  readonly source: string;
  /** The literal text and the expressions, in order. */
  readonly pieces: readonly TemplatePiece[];
  /** Every variable name the template reads. */
  readonly variables: readonly string[];
  /** Each use of a variable, in order (a name may appear more than once). */
  readonly uses: readonly TemplateVar[];
  expand(lookup: (name: string) => TemplateValue): string;
  /** The expansion piece by piece (joined, it is `expand`'s result): what each expression gave. */
  expandPieces(lookup: (name: string) => TemplateValue): ExpandedPiece[];
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const VARNAME = /^(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})+(?:\.(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})+)*$/;

function parseExpression(body: string, at: number): Part {
  const opChar = body[0] && '+#./;?&'.includes(body[0]) ? body[0] : '';
  const op = OPERATORS[opChar];
  if (!op) throw new TemplateError(`unsupported operator at ${at}`);
  const vars = body
    .slice(opChar.length)
    .split(',')
    .map((spec): VarSpec => {
      const prefixMatch = /^(.*):([1-9]\d{0,3})$/.exec(spec);
      const explode = spec.endsWith('*');
      const name = prefixMatch ? prefixMatch[1]! : explode ? spec.slice(0, -1) : spec;
      if (!VARNAME.test(name)) throw new TemplateError(`invalid variable name "${name}" at ${at}`);
      return prefixMatch ? { name, explode: false, prefix: Number(prefixMatch[2]) } : { name, explode };
    });
  return { op, opChar, vars };
}

function parse(template: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    const literalEnd = open === -1 ? template.length : open;
    if (template.slice(i, literalEnd).includes('}')) throw new TemplateError(`unmatched "}" near ${i}`);
    if (literalEnd > i) parts.push(encodeLiteral(template.slice(i, literalEnd)));
    if (open === -1) break;
    const close = template.indexOf('}', open);
    if (close === -1) throw new TemplateError(`unclosed "{" at ${open}`);
    parts.push(parseExpression(template.slice(open + 1, close), open));
    i = close + 1;
  }
  return parts;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const RESERVED = /[:/?#[\]@!$&'()*+,;=]/;

/** `keepStar`: only a template's own text may hold the wildcard `*`; from a value it is always `%2A`. */
function encode(text: string, allowReserved: boolean, keepStar = false): string {
  let out = '';
  for (const ch of text) {
    if (UNRESERVED.test(ch) || (allowReserved && RESERVED.test(ch) && (ch !== '*' || keepStar))) out += ch;
    else out += encodeURIComponent(ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  }
  // Keep existing pct-encoded triplets intact in reserved expansion, as §3.2.3 requires.
  return allowReserved ? out.replace(/%25([0-9A-Fa-f]{2})/g, '%$1') : out;
}

function encodeLiteral(text: string): string {
  return encode(text, true, true);
}

/** A list's elements a path can hold: RFC 6570 has no form for lists or objects inside a list (§2.3), so they are left out. */
const listed = (list: readonly TemplateValue[]) => list.filter((v) => v !== null && v !== undefined && typeof v !== 'object');

const isDefined = (v: TemplateValue): boolean =>
  v !== undefined &&
  v !== null &&
  !(Array.isArray(v) && listed(v).length === 0) &&
  !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

const scalar = (v: TemplateValue): string => (typeof v === 'object' && v !== null ? '' : String(v));

function expandVar(op: Operator, spec: VarSpec, value: TemplateValue): string {
  const enc = (s: string) => encode(s, op.allowReserved);
  const named = (s: string) => (op.named ? `${spec.name}${s === '' ? op.ifEmpty : `=${s}`}` : s);
  if (typeof value !== 'object' || value === null) {
    const text = scalar(value);
    return named(enc(spec.prefix ? [...text].slice(0, spec.prefix).join('') : text));
  }
  const entries: [string, string][] = Array.isArray(value)
    ? listed(value).map((v) => ['', scalar(v)])
    : Object.entries(value).map(([k, v]) => [k, scalar(v)]);
  const isList = Array.isArray(value);
  if (!spec.explode) {
    const joined = entries.map(([k, v]) => (isList ? enc(v) : `${enc(k)},${enc(v)}`)).join(',');
    return named(joined);
  }
  return entries
    .map(([k, v]) => {
      if (isList) return op.named ? named(enc(v)) : enc(v);
      return `${enc(k)}${op.named && v === '' ? op.ifEmpty : `=${enc(v)}`}`;
    })
    .join(op.sep);
}

export function compileTemplate(template: string): CompiledTemplate {
  const parts = parse(template);
  const uses = parts.flatMap((p) =>
    typeof p === 'string' ? [] : p.vars.map((v) => ({ name: v.name, op: p.opChar, explode: v.explode })),
  );
  const expandPieces = (lookup: (name: string) => TemplateValue): ExpandedPiece[] =>
    parts.map((part) => {
      if (typeof part === 'string') return { text: part };
      const pieces = part.vars
        .map((spec) => ({ spec, value: lookup(spec.name) }))
        .filter(({ value }) => isDefined(value))
        .map(({ spec, value }) => expandVar(part.op, spec, value));
      const text = pieces.length > 0 ? part.op.first + pieces.join(part.op.sep) : '';
      return { text, names: part.vars.map((v) => v.name) };
    });
  return {
    source: template,
    pieces: parts.map((p) => (typeof p === 'string' ? { literal: p } : { op: p.opChar, names: p.vars.map((v) => v.name) })),
    variables: [...new Set(uses.map((u) => u.name))],
    uses,
    expand: (lookup) =>
      expandPieces(lookup)
        .map((p) => p.text)
        .join(''),
    expandPieces,
  };
}
