// Regenerates config.schema.json from the zod schema (src/rules/json-schema.ts): `npm run schema`.
// The TypeScript source is bundled with esbuild (which wrangler ships) and run in Node.
import { build } from 'esbuild';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url);
const dir = await mkdtemp(join(tmpdir(), 'purge-relay-schema-'));
try {
  const outfile = join(dir, 'json-schema.mjs');
  await build({
    entryPoints: [new URL('src/rules/json-schema.ts', root).pathname],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    logLevel: 'warning',
  });
  const { configJsonSchema } = await import(pathToFileURL(outfile).href);
  const target = new URL('config.schema.json', root);
  await writeFile(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${target.pathname}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
