// @ts-check
// Where each value of a JSON document starts (line and column), by the path the relay's validator names
// (`rules[0].match.actions[1]`, `distributions.main`, `(root)`), so a problem points at its line in the file.

/** @typedef {{ line: number, column: number }} Position  1-based. */

/**
 * Maps every path of a well-formed JSON text to where its member (the key, for an object member) starts.
 * @param {string} text @returns {Map<string, Position>}
 */
export function locateJson(text) {
  /** @type {Map<string, Position>} */
  const found = new Map();
  let i = 0;
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text[k] === '\n') lineStarts.push(k + 1);
  /** @param {number} offset @returns {Position} */
  const position = (offset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
  };
  const skipSpace = () => {
    while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
  };
  const readString = () => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return /** @type {string} */ (JSON.parse(text.slice(start, i)));
  };
  /** @param {string} path @param {number} at */
  const value = (path, at) => {
    skipSpace();
    if (!found.has(path)) found.set(path, position(at < 0 ? i : at));
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      while (text[i] !== '}') {
        skipSpace();
        const keyAt = i;
        const key = readString();
        skipSpace();
        i++; // ':'
        value(path === '(root)' ? key : `${path}.${key}`, keyAt);
        skipSpace();
        if (text[i] === ',') i++;
        skipSpace();
      }
      i++;
    } else if (c === '[') {
      i++;
      skipSpace();
      for (let index = 0; text[i] !== ']'; index++) {
        value(`${path === '(root)' ? '' : path}[${index}]`, -1);
        skipSpace();
        if (text[i] === ',') i++;
        skipSpace();
      }
      i++;
    } else if (c === '"') readString();
    else while (i < text.length && !',}] \t\r\n'.includes(text.charAt(i))) i++;
  };
  value('(root)', -1);
  return found;
}

/**
 * The position of a validator's path in the text: the path itself, else its nearest ancestor that exists
 * (a missing key is reported at the object that lacks it). @param {Map<string, Position>} located @param {string} path
 * @returns {Position | undefined}
 */
export function positionOf(located, path) {
  for (let p = path; p; p = p.replace(/(\.[^.[\]]*|\[\d+\])$/, '')) {
    const at = located.get(p);
    if (at) return at;
    if (!/(\.[^.[\]]*|\[\d+\])$/.test(p)) break;
  }
  return located.get('(root)');
}
