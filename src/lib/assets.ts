// Documents generated at build time (`npm run schema` writes static/) and served from the Worker's static
// assets, so the code that generates them (zod's JSON Schema output) stays out of the Worker's bundle.
// https://developers.cloudflare.com/workers/static-assets/binding/
import { misconfigured } from '../errors';

export type StaticDocument = 'openapi.json' | 'config.schema.json';

// One entry per document: the set of names is fixed, so the cache cannot grow.
const texts = new Map<StaticDocument, Promise<string>>();

async function read(env: Env, name: StaticDocument): Promise<string> {
  // Any host will do: the binding serves the files of the assets directory by path.
  const response = await env.ASSETS.fetch(`https://assets.invalid/${name}`);
  if (!response.ok) throw misconfigured(`static asset ${name} is missing (run \`npm run schema\`, then deploy)`);
  return response.text();
}

/** A generated document's text, read once per isolate (a failed read is not kept). */
export function staticDocument(env: Env, name: StaticDocument): Promise<string> {
  let text = texts.get(name);
  if (!text) {
    text = read(env, name);
    texts.set(name, text);
    text.catch(() => texts.get(name) === text && texts.delete(name));
  }
  return text;
}
