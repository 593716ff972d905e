// Benchmark entry (never deployed): the relay itself, plus POST /__bench/hot-path, which times the real
// webhook pipeline (receiveWebhook: verify, normalize, match, enqueue) and its floor inside workerd.
import { app } from '../../src/app';
import { loadConfig } from '../../src/rules/store';
import { readSettings } from '../../src/settings';
import { receiveWebhook } from '../../src/webhooks/receive';
import { floorWork, payloadText, signWebhook } from './payloads';
import { cpuPart } from './cpu-part';
import { countingEnv, type Counts } from './rpc-count';
import { timeOp } from './tick-timer';

export { PurgeScheduler } from '../../src/purge/scheduler';
export { SourceState } from '../../src/sources/state';
export { AuthThrottle } from '../../src/lib/auth-throttle';

interface HotPathRequest {
  /** Source id in the saved config (a Standard Webhooks source signed with `secret`). */
  source: string;
  secret: string;
  sizeBytes: number;
  contentTypes: number;
  iterations: number;
  warmup: number;
  /** Makes the webhook ids of one run unique across runs on the same state. */
  runId: string;
}

function signedRequest(input: HotPathRequest, index: number, id: string) {
  const text = payloadText(index, input.contentTypes, input.sizeBytes);
  return signWebhook(input.secret, id, text, Date.now());
}

/** The round-trips of one webhook (the second of two: the first fills the config memo of the wrapped KV). */
async function countRoundTrips(env: Env, input: HotPathRequest): Promise<Counts> {
  const counts: Counts = {};
  const counted = countingEnv(env, counts);
  for (const n of [0, 1]) {
    for (const key of Object.keys(counts)) delete counts[key];
    const webhook = await signedRequest(input, n, `${input.runId}-count-${n}`);
    const request = new Request(`https://relay.bench/webhooks/${input.source}`, {
      method: 'POST',
      headers: webhook.headers,
      body: webhook.body,
    });
    await receiveWebhook(counted, readSettings(counted), request, input.source);
  }
  return counts;
}

async function hotPath(env: Env, input: HotPathRequest) {
  const settings = readSettings(env);
  const pipeline: number[] = [];
  const floor: number[] = [];
  const cpu: number[] = [];
  const loaded = await loadConfig(env.CONFIG);
  if (!loaded) throw new Error('bench: save a config first');
  let paths = 0;
  for (let i = 0; i < input.warmup + input.iterations; i++) {
    const webhook = await signedRequest(input, i, `${input.runId}-${i}`);
    const request = new Request(`https://relay.bench/webhooks/${input.source}`, {
      method: 'POST',
      headers: webhook.headers,
      body: webhook.body,
    });
    let receipt = { paths: 0 };
    const ms = await timeOp(async () => {
      const answer = await receiveWebhook(env, settings, request, input.source);
      receipt = { paths: 'paths' in answer && typeof answer.paths === 'number' ? answer.paths : 0 };
    });
    const floorMs = await timeOp(() => floorWork(input.secret, webhook));
    const cpuMs = await timeOp(() => cpuPart(env, loaded, input.source, webhook));
    if (receipt.paths === 0) throw new Error(`webhook ${i} matched no rule: the benchmark config does not fit its payloads`);
    if (i < input.warmup) continue;
    pipeline.push(ms);
    floor.push(floorMs);
    cpu.push(cpuMs);
    paths += receipt.paths;
  }
  const roundTrips = await countRoundTrips(env, input);
  return { pipeline, floor, cpu, meanPaths: paths / Math.max(1, input.iterations), roundTrips };
}

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname !== '/__bench/hot-path') return app.fetch(request, env, ctx);
    // Boundary: the body comes from the benchmark script in this repository.
    const input = (await request.json()) as HotPathRequest;
    return Response.json(await hotPath(env, input));
  },
} satisfies ExportedHandler<Env>;
