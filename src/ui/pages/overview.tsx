// Overview: what needs fixing, the doctor's banner, each distribution's health, backlog, tokens left and a chart of
// the last hour, and each source's health. Reads GET /admin/doctor, GET /admin/status, GET /admin/sources; the chart from GET /admin/distributions/{name}/timeline. A held or
// failing queue can be resumed at once (POST /admin/distributions/{name}/resume).
import type { DoctorReport } from '../../doctor/report';
import { Hono } from '../../lib/hono';
import type { Timeline } from '../../purge/call-log';
import { adminCall, type ApiResult, type ConsoleContext, type ConsoleEnv } from '../api';
import { ActivityChart } from '../chart';
import { DoctorBanner } from '../doctor-banner';
import { Badge, CsrfField, Failure, Notice, Page, Time, age } from '../layout';
import type { SourceHealth } from '../../sources/health';

/** What the page reads of one entry of GET /admin/sources. */
type SourceRow = { source: string; provider: string } & Partial<Omit<SourceHealth, 'health'>> & { health: string };

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
  hold?: { kind: string; status: number; message: string };
  nextProbeAt?: string;
  unconfirmed?: number;
  lastHour?: { calls: number; paths: number; byStatus: Record<string, number> };
  deadLetters?: number;
  /** What waits and why (admin/waiting.ts). */
  waiting?: { paths: number; why?: string; nextSendAt?: string };
  /** Verification at the edge over the last hour (purge/freshness). */
  freshness?: Freshness;
}

interface Freshness {
  windowMs: number;
  fresh: number;
  stale: number;
  stuck: number;
  gone: number;
  unknown: number;
  repurges: number;
  pending: number;
  liveP50Ms?: number;
  liveP95Ms?: number;
}

/** Publish → live and the verdicts of the last hour's checks. */
function FreshnessFacts({ f }: { f: Freshness }) {
  return (
    <>
      <dt>Publish → live</dt>
      <dd class="freshness">
        {f.liveP50Ms === undefined ? 'no page verified live yet' : `p50 ${age(f.liveP50Ms)}, p95 ${age(f.liveP95Ms)}`} (last{' '}
        {age(f.windowMs)})
      </dd>
      <dt>Verified</dt>
      <dd>
        fresh {f.fresh} · stale {f.stale} · stuck {f.stuck} · gone {f.gone} · unknown {f.unknown}; re-purges {f.repurges}; checks
        pending {f.pending}
      </dd>
    </>
  );
}

async function timelineOf(c: ConsoleContext, name: string | undefined): Promise<Timeline | undefined> {
  if (!name) return undefined;
  const result = await adminCall<Timeline>(c, 'GET', `/admin/distributions/${encodeURIComponent(name)}/timeline`);
  return result.ok ? result.body : undefined;
}

const pairs = (record: Record<string, number> | undefined) =>
  Object.entries(record ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(' · ') || '–';

function Resume({ c, name }: { c: ConsoleContext; name: string }) {
  return (
    <form method="post" action="/admin/ui/resume" data-confirm={`Lift every hold and backoff of ${name} and send now?`}>
      <CsrfField c={c} />
      <button name="distribution" value={name} class="secondary">
        Resume
      </button>
    </form>
  );
}

function Distribution({ c, d, timeline }: { c: ConsoleContext; d: DistributionStatus; timeline: Timeline | undefined }) {
  const pending = Object.values(d.pending ?? {}).reduce((n, v) => n + v, 0);
  const name = d.distribution ?? d.distributionId ?? '?';
  return (
    <section class="card" aria-labelledby={`d-${name}`}>
      <h2 id={`d-${name}`}>
        {name} <Badge value={d.health ?? 'unknown'} />
      </h2>
      {d.health && d.health !== 'ok' && <Resume c={c} name={name} />}
      <dl>
        <dt>Gotipath id</dt>
        <dd class="mono">{d.distributionId}</dd>
        <dt>Pending</dt>
        <dd>
          {pending} ({pairs(d.pending)})
        </dd>
        {d.waiting?.why && (
          <>
            <dt>Waiting</dt>
            <dd class="waiting">{`${d.waiting.paths} path(s): ${d.waiting.why}`}</dd>
          </>
        )}
        {d.freshness && <FreshnessFacts f={d.freshness} />}
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
        {d.hold && (
          <>
            <dt>Held</dt>
            <dd>
              Gotipath refuses every {d.hold.kind} call ({d.hold.status}: {d.hold.message}). Nothing is dead-lettered; fix what
              the message names (often <code>gotipath.purgeTypes</code>), then Resume. Next try <Time at={d.nextProbeAt} />.
            </dd>
          </>
        )}
        {d.unconfirmed ? (
          <>
            <dt>Unconfirmed</dt>
            <dd>{d.unconfirmed} path(s) refused alone, kept queued until a call without them is accepted</dd>
          </>
        ) : null}
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

/** One row per source: is it receiving, and when every recent delivery is refused, why and what to do. */
function Sources({ sources }: { sources: SourceRow[] }) {
  return (
    <section aria-labelledby="sources">
      <h2 id="sources">Sources</h2>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th>Source</th>
              <th>Health</th>
              <th>Accepted (1 h)</th>
              <th>Refused (1 h)</th>
              <th>Last refusal</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr>
                <td>
                  <a href={`/admin/ui/deliveries?source=${encodeURIComponent(s.source)}`}>{s.source}</a>{' '}
                  <span class="muted">{s.provider}</span>
                </td>
                <td>
                  <Badge value={s.health} />
                  {s.advice && <div class="muted">{s.advice}</div>}
                </td>
                <td>{s.accepted ?? '–'}</td>
                <td>{s.refused ?? '–'}</td>
                <td>
                  {s.lastRefusal ? (
                    <>
                      {s.lastRefusal.status} {s.lastRefusal.message ?? ''} (<Time at={s.lastRefusal.at} />)
                    </>
                  ) : (
                    '–'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Everything an operator must act on, at the top: errors in red, warnings in amber (never in a green box). */
function Attention({ distributions, sources }: { distributions: DistributionStatus[]; sources: SourceRow[] }) {
  const errors = [
    ...distributions
      .filter((d) => d.health && d.health !== 'ok')
      .map(
        (d) =>
          `Distribution ${d.distribution ?? d.distributionId} is ${d.health}${d.hold ? `: Gotipath answers ${d.hold.status} ${d.hold.message}` : d.lastError ? `: ${d.lastError.status} ${d.lastError.message}` : ''}; fix it, then Resume.`,
      ),
    ...sources
      .filter((s) => s.health === 'failing')
      .map((s) => `Source ${s.source} refuses every delivery (${s.refusedInARow} in a row): ${s.advice}.`),
  ];
  const warnings = distributions
    .filter((d) => d.deadLetters)
    .map(
      (d) =>
        `${d.deadLetters} dead letter(s) on ${d.distribution ?? d.distributionId}: retry or drop them on the Dead letters page.`,
    );
  return (
    <>
      {errors.length > 0 && (
        <Notice kind="error">
          <strong>Needs fixing</strong>
          <ul id="attention-errors">
            {errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </Notice>
      )}
      {warnings.length > 0 && (
        <Notice kind="warn">
          <strong>Worth a look</strong>
          <ul id="attention-warnings">
            {warnings.map((w) => (
              <li>{w}</li>
            ))}
          </ul>
        </Notice>
      )}
    </>
  );
}

async function render(c: ConsoleContext, resumed?: ApiResult<unknown>, fullCheck?: ApiResult<DoctorReport>) {
  const doctor = fullCheck ?? (await adminCall<DoctorReport>(c, 'GET', '/admin/doctor?offline=1'));
  const status = await adminCall<{ configVersion?: number; distributions?: DistributionStatus[] }>(c, 'GET', '/admin/status');
  const distributions = status.ok ? (status.body.distributions ?? []) : [];
  const sourceList = await adminCall<{ sources?: SourceRow[] }>(c, 'GET', '/admin/sources');
  const sources = sourceList.ok ? (sourceList.body.sources ?? []) : [];
  const timelines = await Promise.all(distributions.map((d) => timelineOf(c, d.distribution)));
  return c.html(
    <Page c={c} title="Overview" active="">
      {resumed && <Failure result={resumed} what="Resume" route="POST /admin/distributions/{name}/resume" />}
      <Attention distributions={distributions} sources={sources} />
      <DoctorBanner c={c} result={doctor} full={fullCheck !== undefined} />
      <Failure result={status} what="The status" route="GET /admin/status" />
      {status.ok && (
        <p>
          Config version {status.body.configVersion ?? '?'} · {distributions.length} distribution(s) · as of{' '}
          <Time at={Date.now()} /> <a href="/admin/ui">Refresh</a>
        </p>
      )}
      <div class="cards">
        {distributions.map((d, i) => (
          <Distribution c={c} d={d} timeline={timelines[i]} />
        ))}
      </div>
      {sources.length > 0 && <Sources sources={sources} />}
    </Page>,
    resumed && !resumed.ok ? 422 : 200,
  );
}

export const overviewPage = new Hono<ConsoleEnv>()
  .get('/', (c) => render(c))
  .post('/resume', async (c) => {
    const name = String((await c.req.parseBody()).distribution ?? '');
    const resumed = await adminCall<unknown>(c, 'POST', `/admin/distributions/${encodeURIComponent(name)}/resume`);
    return resumed.ok ? c.redirect('/admin/ui', 303) : render(c, resumed);
  })
  .post('/doctor', async (c) => render(c, undefined, await adminCall<DoctorReport>(c, 'GET', '/admin/doctor')));
