// The notification routes of the admin API in the OpenAPI document (src/ui/openapi.ts adds them).
type JsonSchema = { [key: string]: unknown };

const STRING = { type: 'string' };
const INTEGER = { type: 'integer' };
const ERROR = { $ref: '#/components/schemas/Error' };
const json = (schema: JsonSchema, description: string) => ({ description, content: { 'application/json': { schema } } });

const ATTEMPT: JsonSchema = {
  type: 'object',
  properties: {
    at: INTEGER,
    destination: STRING,
    message: { ...STRING, description: 'The message id (`webhook-id` of a webhook message; the same on every retry).' },
    type: STRING,
    count: { ...INTEGER, description: 'Events the message carried (a burst is one message).' },
    attempt: INTEGER,
    status: { ...INTEGER, description: 'The receiver’s HTTP status; 0 when none came (timeout, network, a secret not set).' },
    outcome: { enum: ['sent', 'retry', 'failed'] },
    error: STRING,
    durationMs: INTEGER,
  },
  required: ['at', 'destination', 'message', 'type', 'count', 'attempt', 'status', 'outcome', 'durationMs'],
};

export function notifyPaths(): Record<string, JsonSchema> {
  return {
    '/admin/notifications': {
      get: {
        summary: 'Each notification destination of the live config: messages pending, sent and failed, and the latest attempts',
        responses: {
          200: json(
            {
              type: 'object',
              properties: {
                destinations: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      id: STRING,
                      kind: { enum: ['slack', 'webhook'] },
                      events: { type: 'array', items: STRING },
                      pending: INTEGER,
                      sent: INTEGER,
                      failed: INTEGER,
                      attempts: { type: 'array', items: ATTEMPT },
                    },
                  },
                },
              },
              required: ['destinations'],
            },
            'The destinations, in config order (none without a config).',
          ),
        },
      },
    },
    '/admin/notifications/{id}/test': {
      post: {
        summary: 'Send a test message to one destination now (outside its rate, not retried) and answer the attempt',
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            schema: STRING,
            description: 'A destination id from `notifications.destinations`.',
          },
        ],
        responses: {
          200: json(ATTEMPT, 'The attempt: `outcome` sent, or failed with the receiver’s status and the reason.'),
          404: json(ERROR, 'No such destination in the live config.'),
        },
      },
    },
  };
}
