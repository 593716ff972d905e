// Tags: which paths a tag reaches, which tags a path carries, when last seen, and the sitemap crawl (docs/tags.md):
//   GET  /admin/tags?distribution={name}[&tag={tag}|&path={path}]   POST /admin/distributions/{name}/crawl
import { Hono } from '../../lib/hono';
import { adminCall, configNames, type ApiResult, type ConsoleContext, type ConsoleEnv } from '../api';
import { CsrfField, Failure, Json, Notice, Page } from '../layout';

type Seen = { lastSeen: string };
type Lookup = { paths?: ({ path: string } & Seen)[]; tags?: ({ tag: string } & Seen)[]; count?: number; folds?: boolean };
type Summary = {
  entries: number;
  tags: number;
  paths: number;
  queued: number;
  crawl: Record<string, unknown>;
  top: unknown[];
  expansions: unknown[];
};

const q = encodeURIComponent;

const Rows = ({ rows }: { rows: [string, string][] }) => (
  <table>
    <tbody>
      {rows.map(([key, seen]) => (
        <tr>
          <td class="mono">{key}</td>
          <td>{seen}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

function Found({ result }: { result: ApiResult<Lookup> }) {
  if (!result.ok) return <Failure result={result} what="The tag index" route="GET /admin/tags" />;
  const { paths, tags, count, folds } = result.body;
  if (paths) {
    const note = folds ? ' (past the expandLimit: a purge folds them into patterns)' : '';
    return (
      <>
        <p>{`${count} path(s)${note}`}</p>
        <Rows rows={paths.map((p) => [p.path, p.lastSeen])} />
      </>
    );
  }
  return tags && tags.length > 0 ? <Rows rows={tags.map((t) => [t.tag, t.lastSeen])} /> : <p>No tags recorded for this path.</p>;
}

async function render(c: ConsoleContext, crawl?: ApiResult<unknown>) {
  const names = await configNames(c, 'distributions');
  const name = c.req.query('distribution') ?? names[0] ?? '';
  const tag = c.req.query('tag') ?? '';
  const path = c.req.query('path') ?? '';
  const base = `/admin/tags?distribution=${q(name)}`;
  const summary = name ? await adminCall<Summary>(c, 'GET', base) : undefined;
  const lookup = tag ? `${base}&tag=${q(tag)}` : path ? `${base}&path=${q(path)}` : undefined;
  const found = lookup ? await adminCall<Lookup>(c, 'GET', lookup) : undefined;
  return c.html(
    <Page c={c} title="Tags" active="tags">
      {crawl?.ok && <Notice kind="ok">Crawl started.</Notice>}
      {crawl && <Failure result={crawl} what="Starting a crawl" route="POST /admin/distributions/{name}/crawl" />}
      <form method="get" action="/admin/ui/tags">
        <label>
          Distribution{' '}
          <select name="distribution">
            {names.map((n) => (
              <option selected={n === name}>{n}</option>
            ))}
          </select>
        </label>{' '}
        <label>
          Tag <input name="tag" value={tag} />
        </label>{' '}
        <label>
          or path <input name="path" value={path} />
        </label>{' '}
        <button>Look up</button>
      </form>
      {found && <Found result={found} />}
      {summary && <Failure result={summary} what="The tag index" route="GET /admin/tags" />}
      {summary?.ok && (
        <section aria-labelledby="tags-index">
          <h2 id="tags-index">{`Index of ${name}`}</h2>
          <p>{`${summary.body.entries} entries: ${summary.body.tags} tags on ${summary.body.paths} paths; ${summary.body.queued} tag(s) queued.`}</p>
          <h3>Crawl</h3>
          <Json value={summary.body.crawl} />
          <form method="post" action={`/admin/ui/tags?distribution=${q(name)}`}>
            <CsrfField c={c} />
            <button>Crawl the sitemap now</button>
          </form>
          <h3>Largest tags</h3>
          <Json value={summary.body.top} />
          <h3>Latest expansions</h3>
          <Json value={summary.body.expansions} />
        </section>
      )}
    </Page>,
    crawl && !crawl.ok ? 422 : 200,
  );
}

export const tagsPage = new Hono<ConsoleEnv>()
  .get('/tags', (c) => render(c))
  .post('/tags', async (c) => {
    const name = c.req.query('distribution') ?? '';
    return render(c, await adminCall(c, 'POST', `/admin/distributions/${q(name)}/crawl`));
  });
