// @ts-check
// Part 5: the sitemap parser (src/tags/sitemap.ts) on hostile documents of 1 and 10 MiB, beside the
// backtracking pattern it replaced (issue 14, F6), timed in Node on the same V8 as workerd.
import { build } from 'esbuild';
import path from 'node:path';
import { fmt, median, ROOT, row, runAsScript } from './lib.mjs';
/** @import { Row } from './lib.mjs' */

const MIB = 1024 * 1024;
const ORIGIN = 'https://www.example.com';
/** Linear: 10 times the input may take at most this many times as long (quadratic would be 100×). */
const MAX_RATIO = 15;
/** 10 MiB parsed in at most this (the crawler parses at most about 20 MiB per alarm). */
const MAX_MS_10_MIB = 1000;
const RUNS = 5;

/** @type {Record<string, (size: number) => string>} Documents built to make a backtracking pattern explode. */
const HOSTILE = {
  '<loc> then spaces, no </loc>': (n) => `<urlset><url><loc>${' '.repeat(n)}`,
  'an open CDATA section': (n) => `<urlset><url><loc><![CDATA[${' '.repeat(n)}`,
  '<loc> repeated': (n) => `<urlset>${'<loc>'.repeat(n / 5)}`,
  'overlong <loc>s': (n) => `<urlset>${`<url><loc>${ORIGIN}/${'p'.repeat(3000)}</loc></url>`.repeat(n / 3040)}</urlset>`,
  'a genuine urlset': (n) =>
    `<urlset>${Array.from({ length: n / 64 }, (_, i) => `<url><loc>${ORIGIN}/posts/${i}</loc></url>`).join('')}</urlset>`,
};

/** The pattern the parser used before (kept here only to show the difference). */
const OLD_LOC = /<(?:\w+:)?loc>\s*(?:<!\[CDATA\[)?([\s\S]*?)(?:\]\]>)?\s*<\/(?:\w+:)?loc>/g;

/** The parser as the Worker bundles it. @returns {Promise<typeof import('../../src/tags/sitemap.ts')>} */
async function loadParser() {
  const out = await build({
    entryPoints: [path.join(ROOT, 'src/tags/sitemap.ts')],
    bundle: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]?.text ?? '';
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/** Median milliseconds of `fn` over RUNS runs. @param {() => unknown} fn */
function time(fn) {
  const times = Array.from({ length: RUNS }, () => {
    const started = performance.now();
    fn();
    return performance.now() - started;
  });
  return median(times);
}

/** @returns {Promise<Row[]>} */
export async function benchSitemap() {
  const { parseSitemap } = await loadParser();
  /** @type {Row[]} */
  const rows = [];
  for (const [name, make] of Object.entries(HOSTILE)) {
    const small = make(MIB);
    const large = make(10 * MIB);
    const t1 = time(() => parseSitemap(small, ORIGIN));
    const t10 = time(() => parseSitemap(large, ORIGIN));
    // Under a millisecond for 1 MiB the ratio is timer noise: the 10 MiB bound alone decides.
    const ratio = t1 >= 1 ? t10 / t1 : undefined;
    const growth = ratio === undefined ? '1 MiB under 1 ms' : `×${fmt(ratio, 1)}`;
    const figure = `1 MiB ${fmt(t1, 1)} ms, 10 MiB ${fmt(t10, 1)} ms; ${growth}`;
    const pass = t10 <= MAX_MS_10_MIB && (ratio === undefined || ratio <= MAX_RATIO);
    rows.push(row('sitemap', `parse: ${name}`, figure, `10 MiB ≤ ${MAX_MS_10_MIB} ms, ≤ ${MAX_RATIO}× the 1 MiB time`, pass));
  }
  // The old pattern grows with the cube of the spaces: a few thousand are already seconds.
  const old = [500, 1000, 2000].map((n) => {
    const xml = `<urlset><url><loc>${' '.repeat(n)}`;
    return `${n} spaces ${fmt(
      time(() => [...xml.matchAll(OLD_LOC)]),
      0,
    )} ms`;
  });
  rows.push(row('sitemap', 'before: the old <loc> pattern on <loc> then spaces, no </loc>', old.join(', ')));
  return rows;
}

await runAsScript(import.meta.url, benchSitemap);
