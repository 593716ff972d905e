// The OpenAPI part of "why is this URL stale?": GET /admin/paths, POST /admin/paths/check, and the ETA the
// purge receipts carry (openapi.ts merges these in).
import * as z from 'zod/mini';
import { PathCheckBody } from '../admin/bodies';
import { WHY_STATES } from '../admin/explain-path';

type Schema = { [key: string]: unknown };

const STRING = { type: 'string' };
const INTEGER = { type: 'integer' };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema, description: string) => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);
const object = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({
  type: 'object',
  properties,
  required,
});

/** The receipt's estimate (POST /webhooks/{sourceId}, POST /admin/purge). */
export const ETA_PROPERTIES = {
  etaSeconds: {
    type: ['integer', 'null'],
    description:
      'Seconds until the last queued path is expected to be sent: its place in the sending order and the rate windows (calls already made in the window, the limits, the coalescing delay, a backoff). Null while a distribution is held. Cache tags expand at send time and are not counted.',
  },
  held: { type: 'array', items: STRING, description: 'Distributions holding their queue (`name: unauthorized|refused`).' },
};

/** Per path of an event journey: when it went live (GET /admin/events/{id}). */
export const LIVE_PROPERTIES = {
  liveAt: { ...INTEGER, description: 'When the path was first verified fresh (or gone) at the edge (ms since the epoch).' },
  toLiveMs: { ...INTEGER, description: 'From the webhook (the event queued) to live, in ms.' },
  verdict: { enum: ['fresh', 'gone'] },
};

export function whySchemas(): Record<string, Schema> {
  const { $schema: _, ...request } = z.toJSONSchema(PathCheckBody, { io: 'input' }) as Schema;
  return {
    PathCheckRequest: request,
    PathStory: object(
      {
        distribution: STRING,
        path: STRING,
        verdict: object(
          {
            state: { enum: [...WHY_STATES] },
            sentence: { ...STRING, description: 'The verdict in plain words ("fresh since …", "waiting in the queue, …").' },
            since: { ...STRING, format: 'date-time' },
          },
          ['state', 'sentence'],
        ),
        check: {
          type: 'object',
          description:
            'POST only: the check made now — `{verdict: fresh|stale|gone|unknown, evidence: {reason, validator, origin, edge}, at}`.',
        },
        events: {
          type: 'array',
          description: 'Every event that queued the path: id, when, its source (or manual purge, schedule, escalation), rule.',
          items: object({ event: STRING, queuedAt: INTEGER, kind: STRING, source: STRING, rule: STRING, detail: STRING }, [
            'event',
            'queuedAt',
          ]),
        },
        history: {
          type: 'array',
          description:
            'Its ledger rows, oldest first: queued, each call and attempt (with status), folded/covered by an escalation, checked (with evidence), repurged, stuck, dead.',
          items: { type: 'object' },
        },
        queued: { type: 'object', description: 'While queued: kind, enqueuedAt, attempts, cover, estimate `{sendAt}`.' },
        deadLetter: { type: 'object' },
        originWait: {
          type: 'object',
          description:
            'Held before the CDN purge by origin work (docs/origin.md): state step|dead|gate|late, since, step, lastError, polls, nextAt.',
        },
        hold: { type: 'object', description: 'While the distribution is held: health, since, status, message.' },
        tags: { type: 'array', items: object({ tag: STRING, lastSeen: STRING }) },
        producers: { type: 'array', items: object({ ruleId: STRING, template: STRING, via: { enum: ['path', 'tag'] } }) },
        nearest: {
          type: 'array',
          description: 'When no rule produces the path: the closest rules.',
          items: object({ ruleId: STRING, template: STRING, score: { type: 'number' } }),
        },
      },
      ['distribution', 'path', 'verdict', 'events', 'history', 'tags', 'producers'],
    ),
  };
}

const bad =
  'No path, a path not starting with "/" (or with spaces), or a URL of another site than the distribution’s publicBaseUrl; or several distributions and none named.';

export function whyPaths() {
  const query = (name: string, description: string, required = false) => ({
    name,
    in: 'query',
    required,
    schema: STRING,
    description,
  });
  return {
    '/admin/paths': {
      get: {
        summary:
          'One path’s story: every event that produced it, each call, verification and escalation, its tags, and a verdict from what is recorded',
        parameters: [
          query('path', 'A path (`/blog/hello`) or a full URL of the distribution’s publicBaseUrl.', true),
          query('distribution', 'A distribution name; needed only when the config has several and the URL does not tell.'),
        ],
        responses: {
          200: json(ref('PathStory'), 'The story and the verdict.'),
          400: error(bad),
          404: error('Unknown distribution.'),
        },
      },
    },
    '/admin/paths/check': {
      post: {
        summary: 'Check origin and edge now, then say why the path is (or is not) stale, in plain words',
        requestBody: { required: true, content: { 'application/json': { schema: ref('PathCheckRequest') } } },
        responses: {
          200: json(ref('PathStory'), 'The check, the story and the verdict.'),
          400: error(`Not JSON, or ${bad[0]!.toLowerCase()}${bad.slice(1)}`),
          404: error('Unknown distribution.'),
        },
      },
    },
  };
}
