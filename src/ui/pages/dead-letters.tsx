// Dead letters: paths Gotipath refused (400/422), listed, retried or dropped, on the scheduler issue's routes:
//   GET  /admin/dead-letters          → {deadLetters: [{distribution, kind, path, status, message, at}]} (or a list)
//   POST /admin/dead-letters/retry    {distribution, items: [{kind, path}]} → queued again
//   POST /admin/dead-letters/drop     {distribution, items: [{kind, path}]} → forgotten
// Without them the page says it is not available in this version.
import { Hono } from 'hono';
import { adminCall, type ApiResult, type ConsoleContext, type ConsoleEnv } from '../api';
import { CsrfField, DataTable, Failure, Notice, Page, Time, listIn } from '../layout';

export const DEAD_LETTERS_ROUTE = '/admin/dead-letters';

interface DeadLetter {
  distribution: string;
  kind: string;
  path: string;
  status?: number;
  message?: string;
  at?: number | string;
}

/** The list, flattened when the route groups it by distribution. */
function deadLettersIn(body: unknown): DeadLetter[] | undefined {
  const list = listIn(body, 'deadLetters', 'items', 'distributions');
  return list?.flatMap((entry) => {
    const nested = listIn(entry, 'deadLetters', 'items');
    return (nested ? nested.map((d) => ({ distribution: entry.distribution, ...d })) : [entry]) as unknown as DeadLetter[];
  });
}

const isKnown = (list: DeadLetter[]) => list.every((d) => typeof d.path === 'string' && typeof d.distribution === 'string');

function Table({ c, list }: { c: ConsoleContext; list: DeadLetter[] }) {
  if (list.length === 0) return <p>No dead letters: every path Gotipath was sent was accepted.</p>;
  if (!isKnown(list)) return <DataTable rows={list as unknown as Record<string, unknown>[]} />;
  return (
    <form method="post" action="/admin/ui/dead-letters">
      <CsrfField c={c} />
      <table>
        <thead>
          <tr>
            {['', 'Distribution', 'Kind', 'Path', 'Gotipath said', 'When'].map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {list.map((d, i) => (
            <tr>
              <td>
                <input
                  type="checkbox"
                  name="item"
                  id={`dl${i}`}
                  value={JSON.stringify({ distribution: d.distribution, kind: d.kind, path: d.path })}
                  aria-label={`Select ${d.path}`}
                />
              </td>
              <td>{d.distribution}</td>
              <td>{d.kind}</td>
              <td class="mono">{d.path || '(all)'}</td>
              <td>{`${d.status ?? ''} ${d.message ?? ''}`}</td>
              <td>
                <Time at={d.at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button name="action" value="retry">
        Retry selected
      </button>{' '}
      <button name="action" value="drop" class="danger" data-confirm="Drop the selected paths? They will not be purged.">
        Drop selected
      </button>
    </form>
  );
}

/** Sends one retry or drop call per distribution among the selected items. */
async function act(c: ConsoleContext, action: 'retry' | 'drop', selected: DeadLetter[]) {
  const byDistribution = new Map<string, DeadLetter[]>();
  for (const d of selected) byDistribution.set(d.distribution, [...(byDistribution.get(d.distribution) ?? []), d]);
  return Promise.all(
    [...byDistribution].map(([distribution, items]) =>
      adminCall<unknown>(c, 'POST', `${DEAD_LETTERS_ROUTE}/${action}`, {
        distribution,
        items: items.map(({ kind, path }) => ({ kind, path })),
      }),
    ),
  );
}

async function render(c: ConsoleContext, outcome?: { action: string; results: ApiResult<unknown>[]; count: number }) {
  const result = await adminCall<unknown>(c, 'GET', DEAD_LETTERS_ROUTE);
  const list = result.ok ? deadLettersIn(result.body) : undefined;
  const failed = outcome?.results.find((r) => !r.ok);
  return c.html(
    <Page c={c} title="Dead letters" active="dead-letters">
      {outcome && !failed && (
        <Notice kind="ok">{`${outcome.action === 'retry' ? 'Queued again' : 'Dropped'}: ${outcome.count} path(s).`}</Notice>
      )}
      {failed && (
        <Failure
          result={failed}
          what={`Dead-letter ${outcome?.action}`}
          route={`POST ${DEAD_LETTERS_ROUTE}/${outcome?.action}`}
        />
      )}
      <Failure result={result} what="The dead-letter list" route={`GET ${DEAD_LETTERS_ROUTE}`} />
      {list && <Table c={c} list={list} />}
    </Page>,
    failed ? 502 : 200,
  );
}

export const deadLettersPage = new Hono<ConsoleEnv>()
  .get('/dead-letters', (c) => render(c))
  .post('/dead-letters', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const action = form.action === 'drop' ? 'drop' : 'retry';
    const raw = ([] as unknown[]).concat(form.item ?? []);
    const selected = raw.flatMap((v) => {
      try {
        return [JSON.parse(String(v)) as DeadLetter];
      } catch {
        return [];
      }
    });
    if (selected.length === 0) return render(c);
    return render(c, { action, results: await act(c, action, selected), count: selected.length });
  });
