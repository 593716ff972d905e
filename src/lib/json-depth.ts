// How deeply a JSON text nests, found in one pass over its characters (no parse, no recursion).

/**
 * Whether the JSON text nests arrays and objects more than `max` levels deep. Brackets inside strings do not
 * count. Linear in the text; for a text that is not JSON the answer is only as good as its brackets.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
