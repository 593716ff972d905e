// Notifications: each destination of the live config with its latest attempts, and a "Send a test" button per
// destination (docs/notifications.md):
//   GET  /admin/notifications            → {destinations: [{id, kind, events, pending, sent, failed, attempts}]}
//   POST /admin/notifications/{id}/test  → the attempt
import { Hono } from '../../lib/hono';
import { adminCall, type ApiResult, type ConsoleContext, type ConsoleEnv } from '../api';
import { Badge, CsrfField, Failure, Notice, Page, Time } from '../layout';

interface Attempt {
  at: number;
  message: string;
  type: string;
  count: number;
  attempt: number;
  status: number;
  outcome: string;
  error?: string;
  durationMs: number;
}
interface Destination {
  id: string;
  kind: string;
  events: string[];
  pending: number;
  sent: number;
  failed: number;
  attempts: Attempt[];
}

const OUTCOME_BADGE: Record<string, string> = { sent: 'ok', retry: 'warning', failed: 'failed' };

function Attempts({ list }: { list: Attempt[] }) {
  if (list.length === 0) return <p class="muted">No attempts yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          {['When', 'Event', 'Events in it', 'Try', 'Answer', 'Outcome', 'Time'].map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {list.map((a) => (
          <tr>
            <td>
              <Time at={a.at} />
            </td>
            <td class="mono">{a.type}</td>
            <td>{a.count}</td>
            <td>{a.attempt}</td>
            <td>{a.status === 0 ? (a.error ?? 'none') : `${a.status}${a.error ? ` (${a.error})` : ''}`}</td>
            <td>
              <Badge value={OUTCOME_BADGE[a.outcome] ?? a.outcome} /> {a.outcome}
            </td>
            <td>{`${a.durationMs} ms`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

async function render(c: ConsoleContext, tested?: { id: string; result: ApiResult<Attempt> }) {
  const list = await adminCall<{ destinations: Destination[] }>(c, 'GET', '/admin/notifications');
  const attempt = tested?.result.ok ? tested.result.body : undefined;
  return c.html(
    <Page c={c} title="Notifications" active="notifications">
      {attempt && (
        <Notice kind={attempt.outcome === 'sent' ? 'ok' : 'error'}>
          {attempt.outcome === 'sent'
            ? `Test message sent to ${tested!.id}: answered ${attempt.status} in ${attempt.durationMs} ms.`
            : `Test message to ${tested!.id} failed: ${attempt.error ?? `answered ${attempt.status}`}.`}
        </Notice>
      )}
      {tested && <Failure result={tested.result} what="Sending a test" route="POST /admin/notifications/{id}/test" />}
      <Failure result={list} what="Notifications" route="GET /admin/notifications" />
      {list.ok && list.body.destinations.length === 0 && (
        <p>
          No destinations yet: add <code>notifications.destinations</code> to the config (see the docs, notifications).
        </p>
      )}
      {list.ok &&
        list.body.destinations.map((d) => (
          <section aria-labelledby={`dest-${d.id}`}>
            <h2 id={`dest-${d.id}`}>
              {d.id} <span class="muted">({d.kind})</span>
            </h2>
            <p>{`Events: ${d.events.join(', ')}. Messages: ${d.pending} waiting, ${d.sent} sent, ${d.failed} failed.`}</p>
            <form method="post" action="/admin/ui/notifications">
              <CsrfField c={c} />
              <input type="hidden" name="destination" value={d.id} />
              <button>{`Send a test to ${d.id}`}</button>
            </form>
            <Attempts list={d.attempts} />
          </section>
        ))}
    </Page>,
    tested && !tested.result.ok ? 422 : 200,
  );
}

export const notificationsPage = new Hono<ConsoleEnv>()
  .get('/notifications', (c) => render(c))
  .post('/notifications', async (c) => {
    const form = await c.req.parseBody();
    const id = String(form.destination ?? '');
    if (!id) return render(c);
    return render(c, { id, result: await adminCall<Attempt>(c, 'POST', `/admin/notifications/${encodeURIComponent(id)}/test`) });
  });
