// Path: why one URL is (or is not) stale. Reached from the search box on every page. Shows the verdict, every
// event that produced the path, its ledger history with each verification's evidence, its tags, and a
// "Check now" button that checks origin and edge:  GET /admin/paths   POST /admin/paths/check
import { Hono } from '../../lib/hono';
import { adminCall, configNames, type ApiResult, type ConsoleContext, type ConsoleEnv } from '../api';
import { Badge, CsrfField, Failure, Json, Notice, Page, Time } from '../layout';

interface Story {
  distribution: string;
  path: string;
  verdict: { state: string; sentence: string; since?: string };
  check?: { verdict: string; evidence: Record<string, unknown>; at: number };
  events: { event: string; queuedAt: number; kind: string; source?: string; rule?: string; detail?: string }[];
  history: {
    at: number;
    step: string;
    kind: string;
    path: string;
    status?: number;
    attempt?: number;
    batch?: number;
    detail?: string;
    evidence?: unknown;
  }[];
  tags: { tag: string; lastSeen: string }[];
  producers: { ruleId: string; template: string; via: string }[];
  nearest?: { ruleId: string; template: string }[];
}

const GOOD = new Set(['fresh', 'gone']);
const q = encodeURIComponent;

function Verdict({ story }: { story: Story }) {
  const { state, sentence } = story.verdict;
  const kind = GOOD.has(state) ? 'ok' : state === 'queued' || state === 'unchecked' ? 'info' : 'error';
  return (
    <div class={`notice ${kind === 'error' ? 'warn' : kind}`} role="status" id="verdict">
      <Badge value={state} /> <strong>{sentence}</strong>
    </div>
  );
}

function Events({ story }: { story: Story }) {
  if (story.events.length === 0) return <p>No event queued this path in the time the ledger keeps (3 days).</p>;
  return (
    <table>
      <caption class="sr">Events that produced the path</caption>
      <thead>
        <tr>
          {['Queued', 'Event', 'Source', 'Rule', 'Detail'].map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {story.events.map((e) => (
          <tr>
            <td>
              <Time at={e.queuedAt} />
            </td>
            <td>
              <a class="mono" href={`/admin/ui/events/${q(e.event)}`}>
                {e.event}
              </a>
            </td>
            <td>{e.source ?? ''}</td>
            <td>{e.rule ?? ''}</td>
            <td>{`${e.kind === 'url' ? '' : `${e.kind} `}${e.detail ?? ''}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function History({ story }: { story: Story }) {
  if (story.history.length === 0) return null;
  return (
    <table id="history">
      <caption class="sr">Everything recorded about the path, oldest first</caption>
      <thead>
        <tr>
          {['When', 'Step', 'What', 'Status', 'Detail'].map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {story.history.map((r) => (
          <tr>
            <td>
              <Time at={r.at} />
            </td>
            <td>
              <Badge value={r.step} />
              {r.attempt ? ` attempt ${r.attempt}` : ''}
            </td>
            <td class="mono">{`${r.kind === 'url' ? '' : `${r.kind} `}${r.path}`}</td>
            <td>{r.status ?? ''}</td>
            <td>
              {[r.batch === undefined ? '' : `batch ${r.batch}`, r.detail ?? ''].filter(Boolean).join(': ')}
              {r.evidence ? <code>{` ${JSON.stringify(r.evidence)}`}</code> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Found({ c, story }: { c: ConsoleContext; story: Story }) {
  return (
    <>
      <Verdict story={story} />
      <form method="post" action="/admin/ui/paths/check" class="row">
        <CsrfField c={c} />
        <input type="hidden" name="path" value={story.path} />
        <input type="hidden" name="distribution" value={story.distribution} />
        <button>Check now</button>
        <span class="muted">Fetches the page from the origin and through the edge, and compares them.</span>
      </form>
      {story.check && (
        <>
          <h2>Check made now</h2>
          <p>
            <Badge value={story.check.verdict} /> <Time at={story.check.at} />
          </p>
          <Json value={story.check.evidence} />
        </>
      )}
      <dl>
        <dt>Distribution</dt>
        <dd>{story.distribution}</dd>
        <dt>Rules</dt>
        <dd>
          {story.producers.length > 0
            ? story.producers.map((p) => `${p.ruleId} (${p.via === 'tag' ? 'tag ' : ''}${p.template})`).join(', ')
            : `none produces this path${story.nearest?.length ? `; nearest: ${story.nearest.map((n) => `${n.ruleId} (${n.template})`).join(', ')}` : ''}`}
        </dd>
        <dt>Tags</dt>
        <dd>{story.tags.length > 0 ? story.tags.map((t) => t.tag).join(', ') : 'none recorded'}</dd>
      </dl>
      <h2>Events</h2>
      <Events story={story} />
      <h2>History</h2>
      <History story={story} />
    </>
  );
}

async function render(c: ConsoleContext, path: string, distribution: string, result?: ApiResult<Story>) {
  const names = await configNames(c, 'distributions');
  const query = `path=${q(path)}${distribution ? `&distribution=${q(distribution)}` : ''}`;
  const story = result ?? (path ? await adminCall<Story>(c, 'GET', `/admin/paths?${query}`) : undefined);
  return c.html(
    <Page c={c} title={path ? `Path ${path}` : 'Path'}>
      <form method="get" action="/admin/ui/paths" class="row" aria-label="Find a path">
        <div>
          <label for="path">Path or URL</label>
          <input id="path" type="text" name="path" value={path} placeholder="/blog/hello or https://www.example.com/blog/hello" />
        </div>
        {names.length > 1 && (
          <div>
            <label for="distribution">Distribution</label>
            <select id="distribution" name="distribution">
              <option value="">from the URL</option>
              {names.map((n) => (
                <option selected={n === distribution}>{n}</option>
              ))}
            </select>
          </div>
        )}
        <button class="secondary">Why?</button>
      </form>
      {!path && <Notice kind="info">Give a path or a URL of the site to see why it is (or is not) stale.</Notice>}
      {story && !story.ok && <Failure result={story} what="Path history" route="GET /admin/paths" />}
      {story?.ok && <Found c={c} story={story.body} />}
    </Page>,
    story && !story.ok ? (story.status === 404 ? 404 : 400) : 200,
  );
}

export const pathsPage = new Hono<ConsoleEnv>()
  .get('/paths', (c) => render(c, (c.req.query('path') ?? '').trim(), c.req.query('distribution') ?? ''))
  .post('/paths/check', async (c) => {
    const form = await c.req.parseBody();
    const path = String(form.path ?? '').trim();
    const distribution = String(form.distribution ?? '');
    const body = { path, ...(distribution && { distribution }) };
    return render(c, path, distribution, await adminCall<Story>(c, 'POST', '/admin/paths/check', body));
  });
