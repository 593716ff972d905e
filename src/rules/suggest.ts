// "Did you mean …" for an unknown config key: the keys the JSON Schema allows at that place, nearest by edit distance.
import { staticDocument } from '../lib/assets';

type Schema = { [key: string]: unknown };
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Levenshtein distance, case-insensitive (a key typed with another case is one the user meant). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++)
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[y.length]!;
}

/** The allowed key nearest to `key`, when it is near enough to be a typo (a third of its length, at least 2). */
export function nearestKey(key: string, allowed: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(key.length / 3));
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(key, candidate);
    if (distance <= limit && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** Every branch of a schema node: itself, its `$ref` target, and its anyOf/oneOf/allOf members. */
function branches(node: unknown, root: Schema, depth = 0): Schema[] {
  if (!isSchema(node) || depth > 8) return [];
  const out: Schema[] = [node];
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/$defs/')) {
    const defs = root.$defs;
    if (isSchema(defs)) out.push(...branches(defs[ref.slice('#/$defs/'.length)], root, depth + 1));
  }
  for (const list of [node.anyOf, node.oneOf, node.allOf])
    if (Array.isArray(list)) for (const member of list) out.push(...branches(member, root, depth + 1));
  return out;
}

/** The schema nodes at a path of object keys and list indexes. */
function nodesAt(root: Schema, path: readonly PropertyKey[]): Schema[] {
  let nodes = branches(root, root);
  for (const key of path) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (typeof key === 'number') next.push(node.items);
      else {
        const properties = node.properties;
        if (isSchema(properties) && Object.hasOwn(properties, String(key))) next.push(properties[String(key)]);
        else if (isSchema(node.additionalProperties)) next.push(node.additionalProperties);
      }
    }
    nodes = next.flatMap((n) => branches(n, root));
  }
  return nodes;
}

/** The keys the config's JSON Schema allows on the object at `path`. */
export function allowedKeys(path: readonly PropertyKey[], root: unknown = staticDocument('config.schema.json')): string[] {
  if (!isSchema(root)) return [];
  const keys = nodesAt(root, path).flatMap((n) => (isSchema(n.properties) ? Object.keys(n.properties) : []));
  return [...new Set(keys)].filter((k) => k !== '$schema' || path.length === 0);
}

/** ` (did you mean "x"?)` for each unknown key near an allowed one, else ''. */
export function didYouMean(path: readonly PropertyKey[], keys: readonly string[]): string {
  const allowed = allowedKeys(path);
  const hints = keys.flatMap((k) => {
    const near = nearestKey(k, allowed);
    return near ? [`"${k}" → "${near}"`] : [];
  });
  if (hints.length === 0) return '';
  return keys.length === 1 ? ` (did you mean "${nearestKey(keys[0]!, allowed)}"?)` : ` (did you mean ${hints.join(', ')}?)`;
}
