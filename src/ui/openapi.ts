// The admin API as an OpenAPI 3.1 document; request bodies and the config come from the same zod schemas
// the routes validate with (z.toJSONSchema), so the description cannot drift from the code.
// OpenAPI 3.1: https://spec.openapis.org/oas/v3.1.0 (schemas are JSON Schema 2020-12).
import * as z from 'zod/mini';
import { DeadLetterBody, PreviewBody, PurgeBody } from '../admin/bodies';
import { ConfigSchema } from '../rules/schema';
import { notifyPaths } from './openapi-notify';
import { ETA_PROPERTIES, LIVE_PROPERTIES, whyPaths, whySchemas } from './openapi-why';

export type JsonSchema = { [key: string]: unknown };

function fromZod(schema: z.ZodMiniType, descriptions: Record<string, string> = {}): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, description] of Object.entries(descriptions))
    if (properties[name]) properties[name] = { description, ...properties[name] };
  return json;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema, description: string) => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);
const object = (properties: Record<string, JsonSchema>, required = Object.keys(properties)): JsonSchema => ({
  type: 'object',
  properties,
  required,
});
const STRING = { type: 'string' };
const INTEGER = { type: 'integer' };

function schemas(): Record<string, JsonSchema> {
  return {
    Config: fromZod(ConfigSchema),
    PreviewRequest: fromZod(PreviewBody, {
      source: 'A source id from the config.',
      headers: 'Headers as the platform would send them (topic, event name…); signatures are not checked.',
      body: 'The payload: a JSON value, or the raw body as a string.',
    }),
    PurgeRequest: fromZod(PurgeBody, {
      distribution: 'A distribution name from the config.',
      paths: 'Paths to purge (URL purge), each starting with "/".',
      patterns: 'Gotipath patterns: a path with `*` wildcards, e.g. "/blog/*".',
      prefetch: 'Paths to prefetch once their purge has gone.',
      all: 'Purge everything cached for the distribution.',
    }),
    Error: object(
      {
        error: { ...STRING, description: 'What went wrong, in words.' },
        issues: { type: 'array', items: object({ path: STRING, message: STRING }) },
      },
      ['error'],
    ),
    LiveConfig: object({ version: INTEGER, savedAt: { ...STRING, format: 'date-time' }, config: ref('Config') }),
    Saved: object({ version: INTEGER, savedAt: STRING, warnings: { type: 'array', items: STRING } }),
    Preview: object({
      events: {
        type: 'array',
        description:
          'Every event the delivery carries (one per changed document; none when it changes nothing), each `{event, matches, misses, otherRules, remembered}`. The top-level fields below repeat the first.',
        items: { type: 'object' },
      },
      event: {
        type: ['object', 'null'],
        description: 'The first normalized ContentEvent (null when the delivery carries none).',
      },
      matches: {
        type: 'array',
        items: object(
          {
            ruleId: STRING,
            distribution: STRING,
            paths: {
              type: 'array',
              items: object({
                path: STRING,
                kind: { enum: ['url', 'pattern', 'prefetch'] },
                priority: INTEGER,
                prefetch: { type: 'boolean' },
              }),
            },
            skipped: {
              type: 'array',
              items: object({ template: STRING, reason: STRING, locale: STRING }, ['template', 'reason']),
            },
          },
          ['ruleId', 'distribution', 'paths'],
        ),
      },
      misses: { type: 'array', items: object({ ruleId: STRING, reason: STRING }) },
      otherRules: { ...INTEGER, description: 'Rules ruled out by source, action or content type (not listed as misses).' },
      remembered: { type: ['object', 'null'], description: 'The document memory: paths recalled and what it would hold next.' },
      work: { type: 'array', description: 'What each distribution would queue, for every event.', items: { type: 'object' } },
    }),
    Status: object({
      configVersion: INTEGER,
      distributions: {
        type: 'array',
        items: {
          type: 'object',
          description:
            'Per distribution: health (ok, failing, unauthorized, refused), hold (while refused: the kind, status and message Gotipath refused every call with), unconfirmed (paths refused alone, kept queued until a call without them is accepted), pending paths by kind, oldest pending age, next send time, next probe, calls left in the window, last error, last hour, dead letters; waiting `{paths, why, nextSendAt}`: what waits and why, in words.',
        },
      },
    }),
    Queued: object(
      { eventId: STRING, paths: INTEGER, patterns: INTEGER, prefetch: INTEGER, all: { type: 'boolean' }, ...ETA_PROPERTIES },
      ['eventId', 'paths', 'patterns', 'prefetch', 'all', 'etaSeconds'],
    ),
    DeadLetterRequest: fromZod(DeadLetterBody),
    Version: object({ version: INTEGER, savedAt: STRING, rules: INTEGER, rolledBackFrom: INTEGER }, [
      'version',
      'savedAt',
      'rules',
    ]),
    Journey: object({
      eventId: STRING,
      distributions: {
        type: 'array',
        items: object({
          distribution: STRING,
          paths: {
            type: 'array',
            items: object(
              {
                kind: STRING,
                path: STRING,
                rule: { type: ['string', 'null'] },
                steps: { type: 'array', items: { type: 'object' } },
                ...LIVE_PROPERTIES,
              },
              ['kind', 'path', 'rule', 'steps'],
            ),
          },
        }),
      },
    }),
    DeadLetters: object({
      deadLetters: {
        type: 'array',
        items: object({ kind: STRING, path: STRING, status: INTEGER, message: STRING, at: INTEGER, event: STRING, rule: STRING }),
      },
    }),
  };
}

const body = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });

function paths() {
  return {
    '/admin/config': {
      get: {
        summary: 'The live config',
        responses: {
          200: json(ref('LiveConfig'), 'The live document as saved, with its version.'),
          404: error('No config has been saved yet.'),
        },
      },
      put: {
        summary: 'Validate and save a new config version',
        description:
          'An invalid document is refused with every problem at its exact field, and nothing is stored. With `dryRun=1` the document is only validated.',
        parameters: [
          {
            name: 'dryRun',
            in: 'query',
            required: false,
            schema: { enum: ['1', 'true'] },
            description: 'Validate only: answers `{valid: true, warnings}`.',
          },
        ],
        requestBody: body('Config'),
        responses: {
          200: json(ref('Saved'), 'Saved (or, with dryRun, valid); warnings name secrets the Worker lacks.'),
          400: error('Not JSON.'),
          422: error('Invalid: `issues` lists each problem with its field path.'),
        },
      },
    },
    '/admin/preview': {
      post: {
        summary: 'What a payload would purge, without a signature and without purging',
        requestBody: body('PreviewRequest'),
        responses: {
          200: json(ref('Preview'), 'Each normalized event, matched rules and their paths, and why the others did not match.'),
          422: error('The delivery carries more changes than one delivery may (500).'),
          400: error('A bad request body or payload.'),
          404: error('Unknown source.'),
        },
      },
    },
    '/admin/status': {
      get: { summary: 'Each distribution’s scheduler', responses: { 200: json(ref('Status'), 'Per distribution status.') } },
    },
    '/admin/purge': {
      post: {
        summary: 'A manual purge through the same scheduler',
        requestBody: body('PurgeRequest'),
        responses: {
          202: json(ref('Queued'), 'Stored; it is sent within the limits.'),
          400: error('Nothing to purge, or a bad path.'),
          404: error('Unknown distribution.'),
        },
      },
    },
    ...historyPaths(),
    ...schedulerPaths(),
    '/admin/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1 JSON.' } } } },
  };
}

const param = (name: string, description: string, where = 'path') => ({
  name,
  in: where,
  required: where === 'path',
  schema: STRING,
  description,
});
const NAME = param('name', 'A distribution name from the config.');
const get = (summary: string, ok: JsonSchema, missing: string, parameters: JsonSchema[] = []) => ({
  get: { summary, parameters, responses: { 200: ok, 404: error(missing) } },
});

/** The config's history (docs/rules.md). */
function historyPaths() {
  return {
    '/admin/config/versions': get(
      'Every saved config version',
      json(
        object({ current: INTEGER, versions: { type: 'array', items: ref('Version') }, cursor: STRING }, ['current', 'versions']),
        'The live version and the list.',
      ),
      'No config has been saved yet.',
      [param('cursor', 'The `cursor` of the previous page.', 'query')],
    ),
    '/admin/config/versions/{version}': get(
      'One saved version and its document',
      json({ allOf: [ref('Version'), object({ config: ref('Config') })] }, 'As saved.'),
      'No such version.',
      [param('version', 'A version number.')],
    ),
    '/admin/config/diff': get(
      'What changed from one version to another',
      json(
        object({
          from: INTEGER,
          to: INTEGER,
          changes: {
            type: 'array',
            items: object({ path: STRING, op: { enum: ['added', 'removed', 'changed', 'reordered'] }, from: {}, to: {} }, [
              'path',
              'op',
            ]),
          },
        }),
        'Each change at its path.',
      ),
      'No such version.',
      [param('from', 'A version number.', 'query'), param('to', 'A version number; the live one when left out.', 'query')],
    ),
    '/admin/config/schema': {
      get: { summary: 'The config document’s JSON Schema', responses: { 200: { description: 'application/schema+json' } } },
    },
    '/admin/config/rollback': {
      post: {
        summary: 'Make an old version live again, saved as a new version',
        requestBody: { required: true, content: { 'application/json': { schema: object({ version: INTEGER }) } } },
        responses: {
          200: json(object({ version: INTEGER, savedAt: STRING, rolledBackFrom: INTEGER }), 'The new version.'),
          404: error('No such version.'),
          422: error('The old version no longer passes validation; nothing was saved.'),
        },
      },
    },
  };
}

/** Event journeys, dead letters and resuming a held queue (docs/scheduler.md). */
function schedulerPaths() {
  const resolve = (action: string, done: string) => ({
    post: {
      summary: `${action} dead letters: some paths, or all`,
      parameters: [NAME],
      requestBody: body('DeadLetterRequest'),
      responses: { 200: json(object({ [done]: INTEGER }), 'How many.'), 404: error('Unknown distribution.') },
    },
  });
  return {
    '/admin/events/{id}': get(
      'What happened to each path an event queued',
      json(ref('Journey'), 'Each path with its ledger steps.'),
      'Unknown, or older than the ledger keeps.',
      [param('id', 'An event id.')],
    ),
    '/admin/distributions/{name}/dead-letters': get(
      'Paths Gotipath refused',
      json(ref('DeadLetters'), 'The dead letters.'),
      'Unknown distribution.',
      [NAME],
    ),
    '/admin/distributions/{name}/dead-letters/retry': resolve('Queue again', 'retried'),
    '/admin/distributions/{name}/dead-letters/drop': resolve('Forget', 'dropped'),
    '/admin/memory/{source}/{documentId}': get(
      'The paths remembered for a document',
      json(
        object({ source: STRING, document: { type: 'object' }, paths: { type: 'array', items: { type: 'object' } } }),
        'Its paths.',
      ),
      'Unknown source.',
      [
        param('source', 'A source id.'),
        param('documentId', 'The document id.'),
        param('type', 'The content type, where ids are per type.', 'query'),
      ],
    ),
    '/admin/memory/{source}': {
      put: {
        summary:
          'Seed the path memory (`{documents: [{id, type?, paths: [{distribution, path, kind?, priority?}]}]}`, see docs/rules.md)',
        parameters: [param('source', 'A source id.')],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          200: json(object({ source: STRING, documents: INTEGER }), 'How many documents were stored.'),
          404: error('Unknown source or distribution.'),
        },
      },
    },
    '/admin/distributions/{name}/timeline': get(
      'Calls, failed calls and purged paths per minute over the last hour (the console’s chart)',
      json(
        object({
          bucketMs: INTEGER,
          buckets: { type: 'array', items: object({ at: INTEGER, calls: INTEGER, failed: INTEGER, paths: INTEGER }) },
        }),
        'The buckets, oldest first.',
      ),
      'Unknown distribution.',
      [NAME],
    ),
    '/admin/deliveries': {
      get: {
        summary:
          'The recent webhooks of every source (or one), newest first: verified deliveries, and apart from them refusals and repeats counted per minute and reason',
        parameters: [
          param('source', 'Only this source.', 'query'),
          param('outcome', 'Only this outcome: accepted, duplicate, rejected or failed.', 'query'),
          param('event', 'Only the deliveries (and repeats) that carried this event id.', 'query'),
          param('limit', 'At most this many of each list (1–500, default 100).', 'query'),
        ],
        responses: {
          200: json(
            object({
              deliveries: {
                type: 'array',
                items: { type: 'object' },
                description: 'Deliveries that passed verification: accepted, or failed after it (503: the platform retries).',
              },
              refusals: {
                type: 'array',
                items: object({
                  minute: INTEGER,
                  source: STRING,
                  outcome: STRING,
                  status: INTEGER,
                  count: INTEGER,
                  firstAt: INTEGER,
                  lastAt: INTEGER,
                }),
                description:
                  'Rejected deliveries, failures before verification and repeats, one row per minute, source, outcome, status and message (and event, for a repeat).',
              },
              unreadable: { type: 'array', items: STRING, description: 'Sources whose log could not be read.' },
            }),
            'The deliveries.',
          ),
          400: error('A bad outcome or limit.'),
          404: error('Unknown source, or no config saved yet.'),
        },
      },
    },
    '/admin/sources': {
      get: {
        summary:
          "Each configured source's health over the last hour: accepted and refused deliveries, and whether every recent one is refused (failing), with the cause and what to do",
        responses: {
          200: json(
            object({
              windowMs: INTEGER,
              sources: {
                type: 'array',
                items: object({
                  source: STRING,
                  provider: STRING,
                  health: { type: 'string', enum: ['ok', 'failing', 'idle', 'unknown'] },
                  cause: { type: 'string', enum: ['wrong-signature', 'unset-secret', 'refused-payload', 'relay-error'] },
                  advice: STRING,
                  accepted: INTEGER,
                  refused: INTEGER,
                  refusedInARow: INTEGER,
                  lastAcceptedAt: INTEGER,
                  lastRefusal: object({ at: INTEGER, status: INTEGER, message: STRING }),
                }),
              },
            }),
            'The sources, in config order.',
          ),
          404: error('No config saved yet.'),
        },
      },
    },
    '/admin/activity': {
      get: {
        summary:
          'The latest Gotipath calls of every distribution (or one), newest first, each with all its paths, its answer and the events behind it',
        parameters: [
          param('distribution', 'Only this distribution.', 'query'),
          param('status', 'Only calls answered 2xx (`ok`) or not (`failed`).', 'query'),
          param('path', 'Only calls that carried a path containing this text.', 'query'),
          param('since', 'Only calls after this time (ms since the epoch; default: the last hour).', 'query'),
          param('limit', 'At most this many calls (1–200, default 50).', 'query'),
        ],
        responses: {
          200: json(
            object({
              calls: {
                type: 'array',
                items: object({
                  distribution: STRING,
                  batch: INTEGER,
                  at: INTEGER,
                  kind: STRING,
                  status: INTEGER,
                  attempt: INTEGER,
                  detail: STRING,
                  paths: { type: 'array', items: STRING },
                  events: { type: 'array', items: STRING },
                }),
              },
              unreadable: { type: 'array', items: STRING, description: 'Distributions whose ledger could not be read.' },
            }),
            'The calls.',
          ),
          400: error('A bad status, path, since or limit.'),
          404: error('Unknown distribution, or no config saved yet.'),
        },
      },
    },
    '/admin/distributions/{name}/resume': {
      post: {
        summary: 'Lift every hold and backoff and send now',
        parameters: [NAME],
        responses: { 200: { description: 'The distribution’s status.' }, 404: error('Unknown distribution.') },
      },
    },
    '/admin/doctor': {
      get: {
        summary: 'Check the deployment: settings, config, sources, schedules, Gotipath, public sites and key URLs',
        parameters: [
          param('offline', '`1`: only the checks that call nothing out (settings, config, sources, schedules).', 'query'),
          param('probePurge', 'A path (`/…`): one real URL purge of it per distribution, with the configured type.', 'query'),
        ],
        responses: {
          200: json(
            object({
              status: { type: 'string', enum: ['ok', 'warning', 'error'] },
              summary: object({ ok: INTEGER, warning: INTEGER, error: INTEGER }),
              checks: {
                type: 'array',
                items: object({ area: STRING, subject: STRING, status: STRING, message: STRING, fix: STRING }, [
                  'area',
                  'subject',
                  'status',
                  'message',
                ]),
              },
            }),
            'Each check ok, warning or error, with what to do; `status` is the worst of them.',
          ),
          400: error('A bad probePurge path, or probePurge with offline.'),
        },
      },
    },
  };
}

/** Cache tags (docs/tags.md): the index, the crawl, and the origin's report route with its own token. */
function tagPaths() {
  const DIST = param('distribution', 'A distribution name from the config.', 'query');
  const seen = (key: string) => ({
    type: 'array',
    items: object({ [key]: STRING, lastSeen: { ...STRING, format: 'date-time' } }),
  });
  return {
    '/admin/tags': get(
      'The tag index: a tag’s paths (`tag`), a path’s tags (`path`), or its sizes, queued tags, expansions and crawl progress',
      json(
        object(
          {
            distribution: STRING,
            tag: STRING,
            count: INTEGER,
            folds: { type: 'boolean' },
            paths: seen('path'),
            tags: seen('tag'),
          },
          ['distribution'],
        ),
        'With `tag`: {tag, count, expandLimit, folds, paths}; with `path`: {path, tags}; else {entries, tags, paths, top, queued, expansions, crawl}.',
      ),
      'Unknown distribution (400 without one).',
      [DIST, param('tag', 'A tag.', 'query'), param('path', 'A path, e.g. /blog?page=2.', 'query')],
    ),
    '/admin/distributions/{name}/crawl': {
      post: {
        summary: 'Start the sitemap crawl now (one already running goes on)',
        parameters: [NAME],
        responses: {
          202: json(object({ started: { type: 'boolean' }, crawl: { type: 'object' } }), 'Whether it started, and the progress.'),
          404: error('Unknown distribution.'),
          409: error('The distribution has no tags.crawl config.'),
        },
      },
    },
    '/tags/{distribution}': {
      post: {
        summary:
          'Report the tags of pages the origin served (`{path, tags}` or `{reports: [...]}`; tags a list or a header value)',
        security: [{ tagsToken: [] }],
        parameters: [param('distribution', 'A distribution name from the config.')],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: {
          200: json(object({ distribution: STRING, paths: INTEGER, tags: INTEGER, ignored: INTEGER }), 'Recorded.'),
          400: error('Not JSON, or not a report.'),
          401: error('Missing or wrong token (the secret named by tags.reportSecret).'),
          404: error('Unknown distribution, or reporting is off for it (one message for both).'),
          429: error('Ten wrong tokens from this address in 10 minutes; see Retry-After.'),
          413: error('Body larger than 256 KiB.'),
          422: error('A path not starting with "/", a tag with a space or comma, or more than 500 pages.'),
        },
      },
    },
  };
}

let memo: JsonSchema | undefined;

/** The OpenAPI 3.1 document of the admin API, built once per isolate. */
export function openApiDocument(): JsonSchema {
  memo ??= {
    openapi: '3.1.0',
    info: {
      title: 'purge-relay admin API',
      version: '1',
      description:
        'Every route needs `Authorization: Bearer <ADMIN_TOKEN>` (otherwise 401). Ten wrong tokens from one address in 10 minutes: 429 with `Retry-After`, even for the right token, until the window lets it try again. Errors are `{"error": "…"}`.',
    },
    security: [{ bearer: [] }],
    paths: { ...paths(), ...tagPaths(), ...whyPaths(), ...notifyPaths() },
    components: {
      schemas: { ...schemas(), ...whySchemas() },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN secret.' },
        tagsToken: { type: 'http', scheme: 'bearer', description: 'The secret a distribution names in tags.reportSecret.' },
      },
    },
  };
  return memo;
}
