// @ts-check
// What the CLI and the scripts read of wrangler.toml: its cron triggers and its KV namespaces. A reader for these
// two keys as this repository writes them (the file is wrangler's, TOML: https://toml.io/en/v1.0.0).

/** Lines without comments: `#` and what follows, unless inside a quoted string. @param {string} text */
function stripComments(text) {
  return text
    .split(/\r?\n/)
    .map((line) => {
      let quote = '';
      for (let i = 0; i < line.length; i++) {
        const ch = line[i];
        if (quote) {
          if (ch === '\\' && quote === '"') i++;
          else if (ch === quote) quote = '';
        } else if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '#') return line.slice(0, i);
      }
      return line;
    })
    .join('\n');
}

/** The bodies of every table or array-of-tables entry named `name`, each up to the next header. @param {string} text @param {string} name */
function tables(text, name) {
  const clean = stripComments(text);
  const header = /^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*$/gm;
  /** @type {{ name: string, start: number, end: number }[]} */
  const found = [];
  for (const m of clean.matchAll(header)) {
    const last = found.at(-1);
    if (last) last.end = m.index;
    found.push({ name: m[1] ?? '', start: m.index + m[0].length, end: clean.length });
  }
  return found.filter((t) => t.name === name).map((t) => clean.slice(t.start, t.end));
}

/** The strings of a TOML array literal's text. @param {string} list */
const strings = (list) => [...list.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? '');

/** `[triggers] crons`: the cron expressions Cloudflare runs the Worker's scheduled() for. @param {string} text */
export function cronTriggers(text) {
  const body = tables(text, 'triggers')[0] ?? '';
  const match = /^\s*crons\s*=\s*\[([\s\S]*?)\]/m.exec(body);
  return match ? strings(match[1] ?? '') : [];
}

/** Each `[[kv_namespaces]]` entry's binding and id (undefined: none, wrangler provisions it). @param {string} text */
export function kvNamespaces(text) {
  return tables(text, 'kv_namespaces').map((body) => {
    /** @param {string} key */
    const value = (key) => strings(new RegExp(`^\\s*${key}\\s*=\\s*(.*)$`, 'm').exec(body)?.[1] ?? '')[0];
    return { binding: value('binding') ?? '', id: value('id') };
  });
}

/** An id no namespace has: the zeros this repository once shipped, or any id that is all one digit. @param {string} id */
export const isPlaceholderId = (id) => /^(.)\1*$/.test(id) || !/^[0-9a-f]{32}$/.test(id);
