// @ts-check
// Regenerates the documents made from the zod schemas: config.schema.json (for editors and the examples)
// and, for the Worker to bundle as data (src/lib/assets.ts), static/config.schema.json and static/openapi.json:
// `npm run schema`. The Worker serves the files, so zod's JSON Schema code stays out of its bundle.
// The TypeScript sources are bundled with esbuild (which wrangler ships) and run in Node.
import { build } from 'esbuild';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url);
const dir = await mkdtemp(join(tmpdir(), 'purge-relay-schema-'));

/**
 * Bundles one source file and imports it; the caller names the exports it uses (the source is TypeScript).
 * @template T @param {string} source @returns {Promise<T>}
 */
async function load(source) {
  const outfile = join(dir, source.replace(/\W+/g, '-') + '.mjs');
  await build({
    entryPoints: [new URL(source, root).pathname],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}

/** @param {string} path @param {unknown} document */
async function write(path, document) {
  const target = new URL(path, root);
  await writeFile(target, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`wrote ${target.pathname}`);
}

try {
  /** @type {{ configJsonSchema: () => unknown }} */
  const { configJsonSchema } = await load('src/rules/json-schema.ts');
  /** @type {{ openApiDocument: () => unknown }} */
  const { openApiDocument } = await load('src/ui/openapi.ts');
  await mkdir(new URL('static', root), { recursive: true });
  await write('config.schema.json', configJsonSchema());
  await write('static/config.schema.json', configJsonSchema());
  await write('static/openapi.json', openApiDocument());
} finally {
  await rm(dir, { recursive: true, force: true });
}
