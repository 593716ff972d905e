// A line diff of two texts (config before and after), grouped into hunks with context. Pure.

export interface DiffLine {
  op: ' ' | '+' | '-';
  text: string;
}

// Above this many cells the middle is shown as replaced wholesale rather than aligned line by line.
const MAX_CELLS = 4_000_000;

/** Longest-common-subsequence alignment of `a` and `b`, after trimming their common ends. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) (endA--, endB--);
  const same = (from: number, to: number) => a.slice(from, to).map((text): DiffLine => ({ op: ' ', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  let middle: DiffLine[];
  if (midA.length * midB.length > MAX_CELLS) {
    middle = [...midA.map((text): DiffLine => ({ op: '-', text })), ...midB.map((text): DiffLine => ({ op: '+', text }))];
  } else {
    const n = midA.length;
    const m = midB.length;
    // lcs[i][j]: length of the LCS of midA[i..] and midB[j..], in one flat array.
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] =
          midA[i] === midB[j]
            ? lcs[(i + 1) * (m + 1) + j + 1]! + 1
            : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
      }
    }
    middle = [];
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) (middle.push({ op: ' ', text: midA[i]! }), i++, j++);
      else if (j < m && (i === n || lcs[i * (m + 1) + j + 1]! > lcs[(i + 1) * (m + 1) + j]!))
        middle.push({ op: '+', text: midB[j++]! });
      else middle.push({ op: '-', text: midA[i++]! });
    }
  }
  return [...same(0, start), ...middle, ...same(endA, a.length)];
}

export interface Hunk {
  /** 1-based first line in the old and the new text. */
  oldStart: number;
  newStart: number;
  lines: DiffLine[];
}

/** The changed lines with `context` unchanged lines around them, as unified-diff hunks. */
export function hunks(lines: readonly DiffLine[], context = 3): Hunk[] {
  const out: Hunk[] = [];
  let oldLine = 1;
  let newLine = 1;
  let current: Hunk | undefined;
  let lastChange = -Infinity;
  // nextChange[k]: index of the first changed line at or after k.
  const nextChange: number[] = [];
  for (let k = lines.length - 1, next = Infinity; k >= 0; k--) nextChange[k] = next = lines[k]!.op === ' ' ? next : k;
  lines.forEach((line, k) => {
    const near = k - lastChange <= context || nextChange[k]! - k <= context;
    if (near) {
      current ??= { oldStart: oldLine, newStart: newLine, lines: [] };
      current.lines.push(line);
      if (line.op !== ' ') lastChange = k;
    } else if (current) {
      out.push(current);
      current = undefined;
    }
    if (line.op !== '+') oldLine++;
    if (line.op !== '-') newLine++;
  });
  if (current) out.push(current);
  return out;
}

/** Both documents pretty-printed the same way, so only real changes show. */
export const diffJsonLines = (before: unknown, after: unknown) =>
  hunks(diffLines(JSON.stringify(before, null, 2).split('\n'), JSON.stringify(after, null, 2).split('\n')));
