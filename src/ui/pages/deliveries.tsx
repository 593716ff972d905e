// Deliveries: the recent webhooks of every configured source (from each SourceState's log), and one
// event's page: its deliveries and its ledger journey (GET /admin/events/{id}, docs/scheduler.md).
import { Hono } from '../../lib/hono';
import type { PathJourney } from '../../purge/ledger';
import type { DeliveryEntry } from '../../sources/deliveries-log';
import { sourceStateFor } from '../../sources/state';
import { adminCall, type ConsoleContext, type ConsoleEnv } from '../api';
import { Badge, Failure, Notice, Page, Time } from '../layout';

const SHOWN = 100;
const OUTCOMES = ['accepted', 'duplicate', 'rejected', 'failed'];

async function sourceIds(c: ConsoleContext): Promise<string[]> {
  const config = await adminCall<{ config: { sources?: Record<string, unknown> } }>(c, 'GET', '/admin/config');
  return config.ok ? Object.keys(config.body.config.sources ?? {}) : [];
}

/** Newest first across sources; a source whose log cannot be read is left out (and named). */
async function readLogs(c: ConsoleContext, sources: string[], eventId?: string) {
  const failed: string[] = [];
  const lists = await Promise.all(
    sources.map((s) =>
      sourceStateFor(c.env, s)
        .recentDeliveries(SHOWN, eventId)
        .catch(() => (failed.push(s), [] as DeliveryEntry[])),
    ),
  );
  return { entries: lists.flat().sort((a, b) => b.at - a.at), failed };
}

const EventLink = ({ id }: { id: string | undefined }) =>
  id ? (
    <a href={`/admin/ui/events/${encodeURIComponent(id)}`} class="mono">
      {id}
    </a>
  ) : null;

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
            <td>{e.message ?? (e.deliveryId ? `delivery ${e.deliveryId}` : '')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type Journey = { eventId: string; distributions: { distribution: string; paths: PathJourney[] }[] };

/** Every step of every path the event queued, one row a step, grouped by distribution and path. */
function JourneyTable({ journey }: { journey: Journey }) {
  return (
    <table>
      <caption class="sr">What happened to each path the event queued</caption>
      <thead>
        <tr>
          {['Distribution', 'Path', 'Rule', 'Step', 'When', 'Status', 'Detail'].map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {journey.distributions.flatMap((d) =>
          d.paths.flatMap((p) =>
            p.steps.map((s) => (
              <tr>
                <td>{d.distribution}</td>
                <td class="mono">{`${p.kind === 'url' ? '' : `${p.kind} `}${p.path || '(all)'}`}</td>
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
              </tr>
            )),
          ),
        )}
      </tbody>
    </table>
  );
}

export const deliveriesPage = new Hono<ConsoleEnv>()
  .get('/deliveries', async (c) => {
    const all = await sourceIds(c);
    const source = c.req.query('source');
    const outcome = c.req.query('outcome');
    const { entries, failed } = await readLogs(c, source && all.includes(source) ? [source] : all);
    const shown = entries.filter((e) => !outcome || e.outcome === outcome).slice(0, SHOWN);
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
        {shown.length === 0 ? (
          <p>No webhooks received yet{all.length === 0 ? ' (no sources are configured)' : ''}.</p>
        ) : (
          <DeliveryTable entries={shown} />
        )}
        <p class="muted">
          The newest {SHOWN} shown; each source keeps its last 500 webhooks, signatures and bodies never stored.
        </p>
      </Page>,
    );
  })
  .get('/events/:id', async (c) => {
    const id = c.req.param('id');
    const [{ entries }, journey] = await Promise.all([
      readLogs(c, await sourceIds(c), id),
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
        <h2>Journey</h2>
        {journey.ok ? (
          <JourneyTable journey={journey.body} />
        ) : journey.status === 404 && !journey.unavailable ? (
          <p>{`${journey.error}.`}</p>
        ) : (
          <Failure result={journey} what="The event ledger" route="GET /admin/events/{id}" />
        )}
      </Page>,
    );
  });
