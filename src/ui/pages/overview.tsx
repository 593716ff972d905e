// Overview: each distribution's health, backlog, tokens left and a chart of the last hour.
// Reads GET /admin/status; the chart comes from each scheduler's timeline() RPC.
import { Hono } from 'hono';
import { schedulerFor } from '../../purge/enqueue';
import type { Timeline } from '../../purge/timeline';
import { adminCall, type ConsoleContext, type ConsoleEnv } from '../api';
import { ActivityChart } from '../chart';
import { Badge, Failure, Page, Time, age } from '../layout';

/** What the page reads of one entry of GET /admin/status; newer versions may add fields. */
interface DistributionStatus {
  distribution?: string;
  distributionId?: string;
  health?: string;
  pending?: Record<string, number>;
  oldestPendingAgeMs?: number;
  nextSendAt?: string;
  tokens?: Record<string, number>;
  lastError?: { at: number; kind: string; status: number; message: string };
  lastHour?: { calls: number; paths: number; byStatus: Record<string, number> };
  deadLetters?: number;
}

async function timelineOf(c: ConsoleContext, id: string | undefined): Promise<Timeline | undefined> {
  if (!id) return undefined;
  return schedulerFor(c.env, id)
    .timeline()
    .catch(() => undefined);
}

const pairs = (record: Record<string, number> | undefined) =>
  Object.entries(record ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ') || '–';

function Distribution({ d, timeline }: { d: DistributionStatus; timeline: Timeline | undefined }) {
  const pending = Object.values(d.pending ?? {}).reduce((n, v) => n + v, 0);
  const name = d.distribution ?? d.distributionId ?? '?';
  return (
    <section class="card" aria-labelledby={`d-${name}`}>
      <h2 id={`d-${name}`}>
        {name} <Badge value={d.health ?? 'unknown'} />
      </h2>
      <dl>
        <dt>Gotipath id</dt>
        <dd class="mono">{d.distributionId}</dd>
        <dt>Pending</dt>
        <dd>
          {pending} ({pairs(d.pending)})
        </dd>
        <dt>Oldest pending</dt>
        <dd>{age(d.oldestPendingAgeMs)}</dd>
        <dt>Next send</dt>
        <dd>
          <Time at={d.nextSendAt} />
        </dd>
        <dt>Calls left now</dt>
        <dd>{pairs(d.tokens)}</dd>
        <dt>Last hour</dt>
        <dd>{d.lastHour ? `${d.lastHour.calls} calls, ${d.lastHour.paths} paths (${pairs(d.lastHour.byStatus)})` : '–'}</dd>
        <dt>Dead letters</dt>
        <dd>{d.deadLetters ? <a href="/admin/ui/dead-letters">{d.deadLetters}</a> : 0}</dd>
        {d.lastError && (
          <>
            <dt>Last error</dt>
            <dd>
              {d.lastError.status} on {d.lastError.kind}: {d.lastError.message} (<Time at={d.lastError.at} />)
            </dd>
          </>
        )}
      </dl>
      {timeline ? (
        <ActivityChart id={`c-${name}`} buckets={timeline.buckets} />
      ) : (
        <p class="muted">No activity chart in this version.</p>
      )}
    </section>
  );
}

export const overviewPage = new Hono<ConsoleEnv>().get('/', async (c) => {
  const status = await adminCall<{ configVersion?: number; distributions?: DistributionStatus[] }>(c, 'GET', '/admin/status');
  const distributions = status.ok ? (status.body.distributions ?? []) : [];
  const timelines = await Promise.all(distributions.map((d) => timelineOf(c, d.distributionId)));
  return c.html(
    <Page c={c} title="Overview" active="">
      <Failure result={status} what="The status" route="GET /admin/status" />
      {status.ok && (
        <p>
          Config version {status.body.configVersion ?? '?'} · {distributions.length} distribution(s) · as of{' '}
          <Time at={Date.now()} /> <a href="/admin/ui">Refresh</a>
        </p>
      )}
      <div class="cards">
        {distributions.map((d, i) => (
          <Distribution d={d} timeline={timelines[i]} />
        ))}
      </div>
    </Page>,
  );
});
