// @ts-check
// A unified line diff of two texts for `purge-relay config diff|push` (the console has the same in src/ui/diff.ts).

/** @typedef {[op: ' ' | '-' | '+', line: string]} DiffLine */

/** @param {DiffLine[0]} op @returns {(line: string) => DiffLine} */
const as = (op) => (line) => [op, line];
/** Line k of a text, k within it (the loops' bounds, which noUncheckedIndexedAccess cannot see). @param {string[]} lines @param {number} k */
const lineAt = (lines, k) => /** @type {string} */ (lines[k]);

/**
 * Longest-common-subsequence alignment: [' ' | '-' | '+', line][] (deletions before additions).
 * @param {string[]} a @param {string[]} b @returns {DiffLine[]}
 */
export function diffLines(a, b) {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) (endA--, endB--);
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  const out = a.slice(0, start).map(as(' '));
  if (n * m > 4_000_000) {
    out.push(...midA.map(as('-')), ...midB.map(as('+')));
  } else {
    const lcs = new Uint32Array((n + 1) * (m + 1));
    /** The table at (i, j), always inside it (`?? 0` is for noUncheckedIndexedAccess). @param {number} i @param {number} j */
    const at = (i, j) => lcs[i * (m + 1) + j] ?? 0;
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--)
        lcs[i * (m + 1) + j] = midA[i] === midB[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) (out.push([' ', lineAt(midA, i)]), i++, j++);
      else if (j < m && (i === n || at(i, j + 1) > at(i + 1, j))) out.push(['+', lineAt(midB, j++)]);
      else out.push(['-', lineAt(midA, i++)]);
    }
  }
  return [...out, ...a.slice(endA).map(as(' '))];
}

/**
 * The diff as unified-diff text with `context` lines around each change; '' when there is none.
 * @param {string} before @param {string} after @param {{ from?: string, to?: string, context?: number }} [labels]
 */
export function unifiedDiff(before, after, { from = 'live', to = 'file', context = 3 } = {}) {
  const lines = diffLines(before.split('\n'), after.split('\n'));
  const changed = lines.map(([op]) => op !== ' ');
  if (!changed.includes(true)) return '';
  const near = lines.map((_, k) => changed.slice(Math.max(0, k - context), k + context + 1).includes(true));
  const out = [`--- ${from}`, `+++ ${to}`];
  let oldLine = 1;
  let newLine = 1;
  lines.forEach(([op, text], k) => {
    if (near[k] && !near[k - 1]) out.push(`@@ -${oldLine} +${newLine} @@`);
    if (near[k]) out.push(`${op}${text}`);
    if (op !== '+') oldLine++;
    if (op !== '-') newLine++;
  });
  return `${out.join('\n')}\n`;
}
