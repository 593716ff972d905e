// @ts-check
// `npm run bench [-- part ...]`: runs the benchmark parts (all by default, in this order) and prints one table.
import { benchBundle } from './bundle.mjs';
import { benchFreshness } from './freshness.mjs';
import { benchHotPath } from './hot-path.mjs';
import { printTable } from './lib.mjs';
import { benchOrigin } from './origin.mjs';
import { benchSitemap } from './sitemap.mjs';
import { benchThroughput } from './throughput.mjs';
import { benchUpstream } from './upstream.mjs';

const PARTS = {
  'hot-path': benchHotPath,
  throughput: benchThroughput,
  upstream: benchUpstream,
  bundle: benchBundle,
  freshness: benchFreshness,
  sitemap: benchSitemap,
  origin: benchOrigin,
};

/** @param {string} name @returns {name is keyof typeof PARTS} */
const isPart = (name) => name in PARTS;

const asked = process.argv.slice(2);
const unknown = asked.filter((p) => !isPart(p));
if (unknown.length) {
  console.error(`unknown part ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}`);
  process.exit(2);
}
/** @type {import('./lib.mjs').Row[]} */
const rows = [];
// Every name is a part by now (unknown ones stopped the run).
for (const name of (asked.length ? asked : Object.keys(PARTS)).filter(isPart)) {
  const started = Date.now();
  console.error(`bench: ${name}…`);
  rows.push(...(await PARTS[name]()));
  console.error(`bench: ${name} took ${Math.round((Date.now() - started) / 1000)} s`);
}
printTable(rows);
