// Deliveries: the recent webhooks of every configured source (GET /admin/deliveries): verified deliveries, and
// apart from them refusals and repeats per minute and reason; and one event's page: its deliveries and its
// ledger journey (GET /admin/events/{id}, docs/scheduler.md).
import { Hono } from '../../lib/hono';
import type { PathJourney } from '../../purge/ledger';
import type { DeliveryEntry, RefusalRow } from '../../sources/recent-deliveries';
import { refusalCause } from '../../sources/health';
import { runLogs } from '../../sources/runs';
import { offset, pathStanding } from '../path-state';
import { adminCall, loadLive, type ConsoleContext, type ConsoleEnv } from '../api';
import { Badge, Failure, Notice, Page, Time, age } from '../layout';

const SHOWN = 100;
const OUTCOMES = ['accepted', 'duplicate', 'rejected', 'failed'];

type Deliveries = { deliveries: DeliveryEntry[]; refusals: RefusalRow[]; unreadable: string[] };

/** Newest first across sources (or one); a source whose log cannot be read is left out and named. */
async function readLogs(c: ConsoleContext, query: Record<string, string | undefined>) {
  const params = new URLSearchParams({ limit: String(SHOWN) });
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const result = await adminCall<Deliveries>(c, 'GET', `/admin/deliveries?${params}`);
  return result.ok
    ? { entries: result.body.deliveries, refusals: result.body.refusals, failed: result.body.unreadable }
    : { entries: [], refusals: [], failed: ['all sources'] };
}

const EventLink = ({ id }: { id: string | undefined }) =>
  id ? (
    <a href={`/admin/ui/events/${encodeURIComponent(id)}`} class="mono">
      {id}
    </a>
  ) : null;

/** The Detail cell: the relay's message, the paths refused for safety, or the platform's delivery id. */
const detailOf = (e: DeliveryEntry) =>
  [e.message, e.refused && `refused ${e.refused.join('; ')}`, !e.message && e.deliveryId && `delivery ${e.deliveryId}`]
    .filter(Boolean)
    .join('; ');

function DeliveryTable({ entries }: { entries: DeliveryEntry[] }) {
  return (
    <table>
      <caption class="sr">Recent webhooks, newest first</caption>
      <thead>
        <tr>
          {['Received', 'Source', 'Result', 'Action', 'Document', 'Paths', 'Event', 'Detail'].map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr>
            <td>
              <Time at={e.at} />
            </td>
            <td>{e.source}</td>
            <td>
              <Badge value={e.outcome} /> {e.status}
            </td>
            <td>{e.action ?? ''}</td>
            <td>{[e.contentType, e.documentId].filter(Boolean).join(' ')}</td>
            <td>{e.paths ?? ''}</td>
            <td>
              <EventLink id={e.eventId} />
            </td>
            <td>{detailOf(e)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Each source's provider and the Worker secret names it verifies with, from the live config. */
type SourceSecrets = Record<string, { provider?: string; secrets?: string[] }>;

type LiveSources = { sources?: SourceSecrets; schedules?: { id: string }[] };

async function liveConfig(c: ConsoleContext): Promise<LiveSources> {
  const live = await loadLive(c);
  return live.ok ? (live.body.config as LiveSources) : {};
}

/**
 * Why a refusal happens and what to try, for the two an operator can fix: a signature that matched none of the
 * source's secrets (which names were tried, and the usual causes), and a secret the Worker does not have.
 */
function RefusalHelp({ row, source }: { row: RefusalRow; source: { provider?: string; secrets?: string[] } | undefined }) {
  const cause = refusalCause(row.status, row.message);
  if (cause !== 'wrong-signature' && cause !== 'unset-secret') return null;
  const names = source?.secrets ?? [];
  const provider = source?.provider;
  return (
    <details class="help">
      <summary>Why, and what to try</summary>
      {cause === 'wrong-signature' ? (
        <>
          <p>
            The relay tried the source's secret{names.length > 1 ? 's' : ''}{' '}
            <code>{names.join(', ') || '(none configured)'}</code>
            {names.length > 1 ? ' in turn (the second one is for rotation)' : ''}; none gave the signature the request carried.
            Usual causes:
          </p>
          <ul>
            <li>
              the secret pasted in {provider ?? 'the platform'} is not the value of the Worker secret: set it again with{' '}
              <code>wrangler secret put {names[0] ?? 'NAME'}</code> (no quotes, no trailing newline) and paste the same value
              there;
            </li>
            <li>
              a proxy or middleware in front of the relay changed the body (re-encoded JSON, added whitespace): the signature
              covers the exact bytes;
            </li>
            <li>
              the platform's signing setting differs from the source's (another scheme, or signing turned off): see{' '}
              <code>docs/providers.md</code>
              {provider ? ` for ${provider}` : ''};
            </li>
            <li>a request from someone without the secret (not from the platform): nothing to fix, it was refused.</li>
          </ul>
        </>
      ) : (
        <p>
          A secret or setting this source needs is not set on the Worker (the message names it). Set it with{' '}
          <code>wrangler secret put {names[0] ?? 'NAME'}</code>; until then the platform's deliveries get a 500 and it retries.
        </p>
      )}
    </details>
  );
}

/** Refusals and repeats, one row per minute and reason, newest first. */
function RefusalTable({ rows, sources = {} }: { rows: RefusalRow[]; sources?: SourceSecrets }) {
  return (
    <table>
      <caption class="sr">Refused and repeated webhooks, counted per minute and reason</caption>
      <thead>
        <tr>
          {['Minute', 'Source', 'Result', 'Count', 'Last', 'Event', 'Detail'].map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <td>
              <Time at={r.minute} />
            </td>
            <td>{r.source}</td>
            <td>
              <Badge value={r.outcome} /> {r.status}
            </td>
            <td>{r.count}</td>
            <td>
              <Time at={r.lastAt} />
            </td>
            <td>
              <EventLink id={r.eventId} />
            </td>
            <td>
              {r.message ?? (r.last.deliveryId ? `delivery ${r.last.deliveryId}` : '')}
              {r.outcome !== 'duplicate' && (
                <RefusalHelp row={r} source={Object.hasOwn(sources, r.source) ? sources[r.source] : undefined} />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Live = { liveAt?: number; toLiveMs?: number; verdict?: string };
type Journey = { eventId: string; distributions: { distribution: string; paths: (PathJourney & Live)[] }[] };

/** When the path went live (its first fresh check) and how long after the webhook; "–" until verified. */
const LiveCell = ({ p }: { p: Live }) =>
  p.liveAt === undefined ? (
    <span class="muted">–</span>
  ) : (
    <span class="live">
      <Time at={p.liveAt} /> ({age(p.toLiveMs)} after the webhook{p.verdict === 'gone' ? ', gone' : ''})
    </span>
  );

/** Every step of every path the event queued, one row a step, grouped by distribution and path. */
function JourneyTable({ journey }: { journey: Journey }) {
  return (
    <table>
      <caption class="sr">What happened to each path the event queued</caption>
      <thead>
        <tr>
          {['Distribution', 'Path', 'Rule', 'Step', 'When', 'Status', 'Detail', 'Live'].map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {journey.distributions.flatMap((d) =>
          d.paths.flatMap((p) =>
            p.steps.map((s, i) => (
              <tr>
                <td>{d.distribution}</td>
                <td class="mono">
                  {p.kind === 'url' ? (
                    <a
                      href={`/admin/ui/paths?path=${encodeURIComponent(p.path)}&distribution=${encodeURIComponent(d.distribution)}`}
                    >
                      {p.path}
                    </a>
                  ) : (
                    `${p.kind} ${p.path || '(all)'}`
                  )}
                </td>
                <td>{s.rule ?? p.rule ?? ''}</td>
                <td>
                  <Badge value={s.step} />
                  {s.attempt ? ` attempt ${s.attempt}` : ''}
                </td>
                <td>
                  <Time at={s.at} />
                </td>
                <td>{s.status ?? ''}</td>
                <td>{[s.batch === undefined ? '' : `batch ${s.batch}`, s.detail ?? ''].filter(Boolean).join(': ')}</td>
                <td>{i === 0 ? <LiveCell p={p} /> : ''}</td>
              </tr>
            )),
          ),
        )}
      </tbody>
    </table>
  );
}

/** A path's link to its Path page (URL purges), or its kind and pattern. */
const PathCell = ({ distribution, p }: { distribution: string; p: PathJourney }) =>
  p.kind === 'url' ? (
    <a href={`/admin/ui/paths?path=${encodeURIComponent(p.path)}&distribution=${encodeURIComponent(distribution)}`}>{p.path}</a>
  ) : (
    <>{`${p.kind} ${p.path || '(all)'}`}</>
  );

/**
 * One row per path: where it stands (queued / sent / live / failed / dead-lettered, coloured), when it was sent and
 * went live as offsets from the webhook; the ledger's raw steps are one click away below.
 */
function PathSummary({ journey }: { journey: Journey }) {
  const all = journey.distributions.flatMap((d) => d.paths);
  const start = Math.min(...all.map((p) => p.steps[0]?.at ?? Infinity));
  return (
    <table id="paths-summary">
      <caption class="sr">Where each path of the event stands</caption>
      <thead>
        <tr>
          {['Distribution', 'Path', 'Rule', 'Status', 'Sent', 'Live'].map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {journey.distributions.flatMap((d) =>
          d.paths.map((p) => {
            const standing = pathStanding(p.steps, p);
            return (
              <tr>
                <td>{d.distribution}</td>
                <td class="mono">
                  <PathCell distribution={d.distribution} p={p} />
                </td>
                <td>{p.rule ?? ''}</td>
                <td>
                  <Badge value={standing.state} />
                  {standing.note && <span class="muted"> {standing.note}</span>}
                </td>
                <td>{offset(standing.sentAt, start)}</td>
                <td>{offset(standing.liveAt, start)}</td>
              </tr>
            );
          }),
        )}
      </tbody>
    </table>
  );
}

export const deliveriesPage = new Hono<ConsoleEnv>()
  .get('/deliveries', async (c) => {
    const live = await liveConfig(c);
    const sources = live.sources ?? {};
    // The webhooks' sources, then the logs of manual and scheduled purges.
    const all = [...Object.keys(sources), ...runLogs(live.schedules ?? [])];
    const source = c.req.query('source');
    const outcome = c.req.query('outcome');
    const {
      entries: shown,
      refusals,
      failed,
    } = await readLogs(c, {
      source: source && all.includes(source) ? source : undefined,
      outcome: outcome && OUTCOMES.includes(outcome) ? outcome : undefined,
    });
    return c.html(
      <Page c={c} title="Deliveries" active="deliveries">
        <form method="get" class="row" aria-label="Filter">
          <div>
            <label for="source">Source</label>
            <select id="source" name="source">
              <option value="">all</option>
              {all.map((s) => (
                <option selected={s === source}>{s}</option>
              ))}
            </select>
          </div>
          <div>
            <label for="outcome">Result</label>
            <select id="outcome" name="outcome">
              <option value="">all</option>
              {OUTCOMES.map((o) => (
                <option selected={o === outcome}>{o}</option>
              ))}
            </select>
          </div>
          <button class="secondary">Filter</button>
        </form>
        {failed.length > 0 && <Notice kind="error">Could not read the log of: {failed.join(', ')}.</Notice>}
        <h2>Verified</h2>
        {shown.length === 0 ? (
          <p>No verified webhooks yet{all.length === 0 ? ' (no sources are configured)' : ''}.</p>
        ) : (
          <DeliveryTable entries={shown} />
        )}
        <h2>Refused and repeated</h2>
        {refusals.length === 0 ? <p>None.</p> : <RefusalTable rows={refusals} sources={sources} />}
        <p class="muted">
          The newest {SHOWN} of each shown. Each source keeps its last 500 verified webhooks and, apart from them, its refusals
          and repeats counted per minute and reason (500 rows), so a flood of unsigned requests cannot push a verified one out.
          Signatures and bodies are never stored.
        </p>
      </Page>,
    );
  })
  .get('/events/:id', async (c) => {
    const id = c.req.param('id');
    const [{ entries, refusals }, journey] = await Promise.all([
      readLogs(c, { event: id }),
      adminCall<Journey>(c, 'GET', `/admin/events/${encodeURIComponent(id)}`),
    ]);
    return c.html(
      <Page c={c} title={`Event ${id}`} active="deliveries">
        <h2>Deliveries</h2>
        {entries.length > 0 ? (
          <DeliveryTable entries={entries} />
        ) : (
          <p>No webhook in the recent deliveries carried this event (a manual purge or a schedule has none).</p>
        )}
        {refusals.length > 0 && <RefusalTable rows={refusals} />}
        <h2>Journey</h2>
        {journey.ok ? (
          <>
            <PathSummary journey={journey.body} />
            <details>
              <summary>Raw steps (the ledger, one row a step)</summary>
              <JourneyTable journey={journey.body} />
            </details>
          </>
        ) : journey.status === 404 && !journey.unavailable ? (
          <p>{`${journey.error}.`}</p>
        ) : (
          <Failure result={journey} what="The event ledger" route="GET /admin/events/{id}" />
        )}
      </Page>,
    );
  });
