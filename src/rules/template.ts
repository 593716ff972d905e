// RFC 6570 URI Templates (levels 1-4), compiled once, expanded per event.
// https://www.rfc-editor.org/rfc/rfc6570 — variable names may be dotted (`fields.slug`).

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

export interface CompiledTemplate {
  readonly source: string;
  /** Every variable name the template reads. */
  readonly variables: readonly string[];
  /** Each use of a variable, in order (a name may appear more than once). */
  readonly uses: readonly TemplateVar[];
  expand(lookup: (name: string) => TemplateValue): string;
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

function encode(text: string, allowReserved: boolean): string {
  let out = '';
  for (const ch of text) {
    if (UNRESERVED.test(ch) || (allowReserved && RESERVED.test(ch))) out += ch;
    else out += encodeURIComponent(ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  }
  // Keep existing pct-encoded triplets intact in reserved expansion, as §3.2.3 requires.
  return allowReserved ? out.replace(/%25([0-9A-Fa-f]{2})/g, '%$1') : out;
}

function encodeLiteral(text: string): string {
  return encode(text, true);
}

const isDefined = (v: TemplateValue): boolean =>
  v !== undefined &&
  v !== null &&
  !(Array.isArray(v) && v.length === 0) &&
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
    ? value.map((v) => ['', scalar(v)])
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
  return {
    source: template,
    variables: [...new Set(uses.map((u) => u.name))],
    uses,
    expand(lookup) {
      let out = '';
      for (const part of parts) {
        if (typeof part === 'string') {
          out += part;
          continue;
        }
        const pieces = part.vars
          .map((spec) => ({ spec, value: lookup(spec.name) }))
          .filter(({ value }) => isDefined(value))
          .map(({ spec, value }) => expandVar(part.op, spec, value));
        if (pieces.length > 0) out += part.op.first + pieces.join(part.op.sep);
      }
      return out;
    },
  };
}
