// The config's JSON Schema, generated from the zod schema (`npm run schema` writes config.schema.json).
import * as z from 'zod/mini';
import { ConfigShape } from './schema';

/** Where the committed schema is published for editors (`"$schema"` in a config file). */
export const SCHEMA_ID = 'https://purge-relay.dev/config.schema.json';

/** The input form: defaults make keys optional, as a person writes the file. */
export function configJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(ConfigShape, { io: 'input' }), $id: SCHEMA_ID, title: 'purge-relay config' };
}
