// Activity: the latest Gotipath calls with all their paths, kind, answer and the events behind them, filtered by
// distribution, result and path (GET /admin/activity), and what each distribution still has waiting (GET /admin/status).
import { Hono } from '../../lib/hono';
import type { LedgerCall } from '../../purge/ledger';
import { adminCall, configNames, type ConsoleContext, type ConsoleEnv } from '../api';
import { Badge, Failure, Page, Time } from '../layout';

type Call = LedgerCall & { distribution: string };
interface Waiting {
  distribution?: string;
  health?: string;
  pending?: Record<string, number>;
  nextSendAt?: string;
  oldestPendingAgeMs?: number;
  /** Why it waits, in words (GET /admin/status `waiting`). */
  waiting?: { why?: string };
}

const ok = (status: number) => status >= 200 && status < 300;

function CallRow({ call }: { call: Call }) {
  const shown = call.paths.slice(0, 3).map((p) => p || '(all)');
  return (
    <tr>
      <td>
        <Time at={call.at} />
      </td>
      <td>{call.distribution}</td>
      <td>{call.kind}</td>
      <td>
        <Badge value={ok(call.status) ? 'ok' : 'failed'} /> {call.status || 'no answer'}
        {call.attempt > 1 ? ` (attempt ${call.attempt})` : ''}
      </td>
      <td class="mono">
        {call.paths.length <= 3 ? (
          shown.join(' ')
        ) : (
          <details>
            <summary>{`${call.paths.length} paths: ${shown.join(' ')} …`}</summary>
            <ul class="paths">
              {call.paths.map((p) => (
                <li>{p || '(all)'}</li>
              ))}
            </ul>
          </details>
        )}
      </td>
      <td>
        {call.events.map((e) => (
          <>
            <a href={`/admin/ui/events/${encodeURIComponent(e)}`} class="mono">
              {e}
            </a>{' '}
          </>
        ))}
      </td>
      <td>{call.detail ?? ''}</td>
    </tr>
  );
}

function WaitingTable({ rows }: { rows: Waiting[] }) {
  return (
    <table>
      <caption class="sr">What each distribution still has to send</caption>
      <thead>
        <tr>
          {['Distribution', 'Health', 'Waiting', 'Why', 'Oldest', 'Next send'].map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((d) => (
          <tr>
            <td>{d.distribution}</td>
            <td>
              <Badge value={d.health ?? 'unknown'} />
            </td>
            <td>
              {Object.entries(d.pending ?? {})
                .filter(([, n]) => n > 0)
                .map(([k, n]) => `${n} ${k}`)
                .join(', ') || 'nothing'}
            </td>
            <td>{d.waiting?.why ?? ''}</td>
            <td>{d.oldestPendingAgeMs === undefined ? '–' : `${Math.round(d.oldestPendingAgeMs / 1000)} s`}</td>
            <td>
              <Time at={d.nextSendAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export const activityPage = new Hono<ConsoleEnv>().get('/activity', async (c: ConsoleContext) => {
  const names = await configNames(c, 'distributions');
  const distribution = c.req.query('distribution');
  const status = c.req.query('status');
  const path = c.req.query('path')?.trim();
  const params = new URLSearchParams({ limit: '100' });
  if (distribution && names.includes(distribution)) params.set('distribution', distribution);
  if (status === 'ok' || status === 'failed') params.set('status', status);
  if (path) params.set('path', path);
  const [calls, waiting] = await Promise.all([
    adminCall<{ calls: Call[]; unreadable: string[] }>(c, 'GET', `/admin/activity?${params}`),
    adminCall<{ distributions?: Waiting[] }>(c, 'GET', '/admin/status'),
  ]);
  const rows = waiting.ok ? (waiting.body.distributions ?? []) : [];
  return c.html(
    <Page c={c} title="Activity" active="activity">
      <h2>Waiting</h2>
      <Failure result={waiting} what="The status" route="GET /admin/status" />
      {rows.length > 0 && <WaitingTable rows={rows.filter((d) => !distribution || d.distribution === distribution)} />}
      <h2>Calls</h2>
      <form method="get" class="row" aria-label="Filter">
        <div>
          <label for="distribution">Distribution</label>
          <select id="distribution" name="distribution">
            <option value="">all</option>
            {names.map((n) => (
              <option selected={n === distribution}>{n}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="status">Result</label>
          <select id="status" name="status">
            <option value="">all</option>
            <option selected={status === 'ok'}>ok</option>
            <option selected={status === 'failed'}>failed</option>
          </select>
        </div>
        <div>
          <label for="path">Path contains</label>
          <input type="text" id="path" name="path" value={path ?? ''} />
        </div>
        <button class="secondary">Filter</button>
      </form>
      <Failure result={calls} what="Activity" route="GET /admin/activity" />
      {calls.ok &&
        (calls.body.calls.length === 0 ? (
          <p>No calls in the last hour{path || status || distribution ? ' that match' : ''}.</p>
        ) : (
          <table>
            <caption class="sr">The latest Gotipath calls, newest first</caption>
            <thead>
              <tr>
                {['When', 'Distribution', 'Kind', 'Answer', 'Paths', 'Events', 'Detail'].map((h) => (
                  <th scope="col">{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {calls.body.calls.map((call) => (
                <CallRow call={call} />
              ))}
            </tbody>
          </table>
        ))}
    </Page>,
  );
});
