// Finds the line of a field in a JSON text, so a config problem reported at `rules[2].purge[0]` can be
// shown at that line of what the operator typed. Pure.
import { formatPath } from '../rules/schema';

/** Every value's path (as formatPath writes it) → the 1-based line of its key, or of the value in a list. */
export function indexLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const skipSpace = () => {
    for (; i < text.length && /\s/.test(text[i]!); i++) if (text[i] === '\n') line++;
  };
  const readString = (): string => {
    const start = i++;
    for (; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    return JSON.parse(text.slice(start, ++i)) as string;
  };
  const readValue = (path: (string | number)[], at: number) => {
    const key = formatPath(path);
    if (!lines.has(key)) lines.set(key, at);
    const open = text[i];
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']';
      i++;
      for (let n = 0; ; n++) {
        skipSpace();
        if (text[i] === close || i >= text.length) break;
        const from = line;
        const name = open === '{' ? readString() : n;
        if (open === '{') {
          skipSpace();
          i++; // the colon
          skipSpace();
        }
        readValue([...path, name], from);
        skipSpace();
        if (text[i] === ',') i++;
      }
      i++;
    } else if (open === '"') readString();
    else while (i < text.length && !/[\s,\]}]/.test(text[i]!)) i++;
  };
  skipSpace();
  readValue([], line);
  return lines;
}

/** The line of `path`, or of its nearest enclosing field that exists (a missing key points at its object). */
export function lineOf(lines: Map<string, number>, path: string): number | undefined {
  for (let p = path; ;) {
    const found = lines.get(p);
    if (found !== undefined) return found;
    const parent = p.replace(/(\.[^.[\]]*|\[\d+\])$/, '');
    if (parent === p || parent === '') return lines.get('(root)');
    p = parent;
  }
}

/** The line of a JSON syntax error from V8's message (`… at position 42`), if it says where. */
export function syntaxErrorLine(text: string, message: string): number | undefined {
  const position = /position (\d+)/.exec(message)?.[1];
  return position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
}
