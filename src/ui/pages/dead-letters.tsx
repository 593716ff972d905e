// Dead letters: paths Gotipath refused (400/413/422), per distribution, retried or dropped (docs/scheduler.md):
//   GET  /admin/distributions/{name}/dead-letters         → {deadLetters: [{kind, path, status, message, at, event, rule}]}
//   POST /admin/distributions/{name}/dead-letters/retry   {paths} or {all: true} → {retried}
//   POST /admin/distributions/{name}/dead-letters/drop    {paths} or {all: true} → {dropped}
import { Hono } from '../../lib/hono';
import type { DeadLetter } from '../../purge/queue-store';
import { adminCall, configNames, type ApiResult, type ConsoleContext, type ConsoleEnv } from '../api';
import { CsrfField, Failure, Notice, Page, Time } from '../layout';

const routeOf = (name: string) => `/admin/distributions/${encodeURIComponent(name)}/dead-letters`;

const EventLink = ({ id }: { id: string | null }) =>
  id ? (
    <a href={`/admin/ui/events/${encodeURIComponent(id)}`} class="mono">
      {id}
    </a>
  ) : null;

function Table({ c, name, list }: { c: ConsoleContext; name: string; list: DeadLetter[] }) {
  if (list.length === 0) return <p>No dead letters: every path Gotipath was sent was accepted.</p>;
  return (
    <form method="post" action="/admin/ui/dead-letters">
      <CsrfField c={c} />
      <input type="hidden" name="distribution" value={name} />
      <table>
        <thead>
          <tr>
            {['', 'Kind', 'Path', 'Gotipath said', 'When', 'Event', 'Rule'].map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {list.map((d) => (
            <tr>
              <td>
                <input type="checkbox" name="path" value={d.path} aria-label={`Select ${d.path || '(all)'}`} />
              </td>
              <td>{d.kind}</td>
              <td class="mono">{d.path || '(all)'}</td>
              <td>{`${d.status} ${d.message}`}</td>
              <td>
                <Time at={d.at} />
              </td>
              <td>
                <EventLink id={d.event} />
              </td>
              <td>{d.rule ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button name="action" value="retry">
        Retry selected
      </button>{' '}
      <button name="action" value="drop" class="danger" data-confirm="Drop the selected paths? They will not be purged.">
        Drop selected
      </button>{' '}
      <button name="action" value="retry-all" class="secondary">
        Retry all
      </button>{' '}
      <button name="action" value="drop-all" class="danger" data-confirm={`Drop every dead letter of ${name}?`}>
        Drop all
      </button>
    </form>
  );
}

type Outcome = { action: string; result: ApiResult<Record<string, number>> };

async function render(c: ConsoleContext, outcome?: Outcome) {
  const names = await configNames(c, 'distributions');
  const lists = await Promise.all(names.map((n) => adminCall<{ deadLetters: DeadLetter[] }>(c, 'GET', routeOf(n))));
  const done = outcome?.result.ok ? Object.values(outcome.result.body)[0] : undefined;
  return c.html(
    <Page c={c} title="Dead letters" active="dead-letters">
      {done !== undefined && (
        <Notice kind="ok">{`${outcome?.action === 'drop' ? 'Dropped' : 'Queued again'}: ${done} path(s).`}</Notice>
      )}
      {outcome && (
        <Failure
          result={outcome.result}
          what={`Dead-letter ${outcome.action}`}
          route={`POST ${routeOf('{name}')}/${outcome.action}`}
        />
      )}
      {names.length === 0 && <p>No distributions are configured yet.</p>}
      {names.map((name, i) => {
        const result = lists[i]!;
        return (
          <section aria-labelledby={`dl-${name}`}>
            <h2 id={`dl-${name}`}>{name}</h2>
            <Failure result={result} what="The dead-letter list" route={`GET ${routeOf('{name}')}`} />
            {result.ok && <Table c={c} name={name} list={result.body.deadLetters} />}
          </section>
        );
      })}
    </Page>,
    outcome && !outcome.result.ok ? 422 : 200,
  );
}

export const deadLettersPage = new Hono<ConsoleEnv>()
  .get('/dead-letters', (c) => render(c))
  .post('/dead-letters', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const name = String(form.distribution ?? '');
    const [action, all] = String(form.action ?? '').split('-');
    const paths = ([] as unknown[]).concat(form.path ?? []).map(String);
    if ((action !== 'retry' && action !== 'drop') || (!all && paths.length === 0)) return render(c);
    const body = all ? { all: true } : { paths };
    return render(c, { action, result: await adminCall<Record<string, number>>(c, 'POST', `${routeOf(name)}/${action}`, body) });
  });
