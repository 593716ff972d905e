// Documents generated at build time (`npm run schema` writes static/) and bundled as data, so the code that
// generates them (zod's JSON Schema output) stays out of the Worker. Not Workers Static Assets: with an
// [assets] section, wrangler dev 4.86 answers 500 to /cdn-cgi/handler/scheduled, the documented way to
// fire a cron trigger locally (https://developers.cloudflare.com/workers/configuration/cron-triggers/).
import configSchema from '../../static/config.schema.json';
import openApi from '../../static/openapi.json';

const DOCUMENTS = { 'openapi.json': openApi, 'config.schema.json': configSchema };

export type StaticDocument = keyof typeof DOCUMENTS;

/** A generated document, as the JSON value `npm run schema` wrote. */
export const staticDocument = (name: StaticDocument): unknown => DOCUMENTS[name];
