// A JSON diff of two config documents: the paths that changed, were added or removed. Pure.

export interface Change {
  /** Where, e.g. `rules[id=blog-post].purge[1]` (lists of objects with an `id` are matched by id). */
  path: string;
  op: 'added' | 'removed' | 'changed' | 'reordered';
  from?: unknown;
  to?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const idOf = (v: unknown) => (isObject(v) && typeof v.id === 'string' ? v.id : undefined);
const keyed = (list: unknown[]) =>
  list.length > 0 && list.every((v) => idOf(v) !== undefined) && new Set(list.map(idOf)).size === list.length;
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function diffKeyed(a: unknown[], b: unknown[], path: string, out: Change[]) {
  const before = new Map(a.map((v) => [idOf(v)!, v]));
  const after = new Map(b.map((v) => [idOf(v)!, v]));
  for (const [id, v] of before) {
    if (after.has(id)) jsonChanges(v, after.get(id), `${path}[id=${id}]`, out);
    else out.push({ path: `${path}[id=${id}]`, op: 'removed', from: v });
  }
  for (const [id, v] of after) if (!before.has(id)) out.push({ path: `${path}[id=${id}]`, op: 'added', to: v });
  const common = (m: Map<string, unknown>, other: Map<string, unknown>) => [...m.keys()].filter((id) => other.has(id)).join('\n');
  if (common(before, after) !== common(after, before)) out.push({ path, op: 'reordered' });
}

/** Every difference from `a` to `b`, in document order. */
export function jsonChanges(a: unknown, b: unknown, path = '', out: Change[] = []): Change[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (keyed(a) && keyed(b)) {
      diffKeyed(a, b, path, out);
      return out;
    }
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= b.length) out.push({ path: `${path}[${i}]`, op: 'removed', from: a[i] });
      else if (i >= a.length) out.push({ path: `${path}[${i}]`, op: 'added', to: b[i] });
      else jsonChanges(a[i], b[i], `${path}[${i}]`, out);
    }
    return out;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) {
      if (key in b) jsonChanges(a[key], b[key], join(path, key), out);
      else out.push({ path: join(path, key), op: 'removed', from: a[key] });
    }
    for (const key of Object.keys(b)) if (!(key in a)) out.push({ path: join(path, key), op: 'added', to: b[key] });
    return out;
  }
  if (a !== b) out.push({ path: path || '(root)', op: 'changed', from: a, to: b });
  return out;
}
