// `npm run bench [-- part ...]`: runs the benchmark parts (all by default, in this order) and prints one table.
import { benchBundle } from './bundle.mjs';
import { benchHotPath } from './hot-path.mjs';
import { printTable } from './lib.mjs';
import { benchThroughput } from './throughput.mjs';
import { benchUpstream } from './upstream.mjs';

const PARTS = { 'hot-path': benchHotPath, throughput: benchThroughput, upstream: benchUpstream, bundle: benchBundle };

const asked = process.argv.slice(2);
const unknown = asked.filter((p) => !(p in PARTS));
if (unknown.length) {
  console.error(`unknown part ${unknown.join(', ')}; parts: ${Object.keys(PARTS).join(', ')}`);
  process.exit(2);
}
const rows = [];
for (const name of asked.length ? asked : Object.keys(PARTS)) {
  const started = Date.now();
  console.error(`bench: ${name}…`);
  rows.push(...(await PARTS[name]()));
  console.error(`bench: ${name} took ${Math.round((Date.now() - started) / 1000)} s`);
}
printTable(rows);
