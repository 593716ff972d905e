// The config's JSON Schema, generated from the zod schema (`npm run schema` writes config.schema.json).
import * as z from 'zod/mini';
import { ConfigShape } from './schema';

/** The input form: keys with defaults are optional, as a person writes the file. */
export function configJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(ConfigShape, { io: 'input' }), title: 'purge-relay config' };
}
