// Benchmark baseline (never deployed): a bare Hono worker that answers every webhook 202, for the throughput ratio.
import { Hono } from 'hono';

const app = new Hono();
app.post('/webhooks/:sourceId', (c) => c.body(null, 202));

export default { fetch: app.fetch } satisfies ExportedHandler;
