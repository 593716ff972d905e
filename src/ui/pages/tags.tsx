// Tags: which paths a tag reaches, which tags a path carries, when last seen, and the sitemap crawl (docs/tags.md):
//   GET  /admin/tags?distribution={name}[&tag={tag}|&path={path}]   POST /admin/distributions/{name}/crawl
import { Hono } from '../../lib/hono';
import type { TagExpansionRecord } from '../../purge/tag-queue';
import type { CrawlProgress } from '../../tags/crawler';
import { adminCall, type ApiResult, type ConsoleContext, type ConsoleEnv } from '../api';
import { CsrfField, Failure, Notice, Page, Time } from '../layout';

type Seen = { lastSeen: string };
type Lookup = { paths?: ({ path: string } & Seen)[]; tags?: ({ tag: string } & Seen)[]; count?: number; folds?: boolean };
type Summary = {
  entries: number;
  tags: number;
  paths: number;
  queued: number;
  crawl: CrawlProgress;
  top: { tag: string; paths: number }[];
  expansions: TagExpansionRecord[];
};
/** What the page reads of a distribution's config: where tags come from. */
type TagSettings = { headers?: string[]; reportSecret?: string; crawl?: { cron?: string; sitemapPath?: string } };
type DistributionSettings = { publicBaseUrl?: string; warming?: { mode?: string }; tags?: TagSettings };

async function distributions(c: ConsoleContext): Promise<Record<string, DistributionSettings>> {
  const live = await adminCall<{ config: { distributions?: Record<string, DistributionSettings> } }>(c, 'GET', '/admin/config');
  return live.ok ? (live.body.config.distributions ?? {}) : {};
}

/** No tags known yet: the three ways the index learns them, and which of them this distribution has on. */
function EmptyIndex({ name, d }: { name: string; d: DistributionSettings }) {
  const headers = (d.tags?.headers ?? ['cache-tag', 'surrogate-key', 'x-cache-tags']).join(', ');
  return (
    <Notice kind="info">
      <strong>{`No cache tags known for ${name} yet.`}</strong> The index learns which pages carry which tags (from the{' '}
      <code>{headers}</code> response headers) in three ways; turn on at least one in the distribution's <code>tags</code> section
      (docs/tags.md):
      <ul>
        <li>
          warming:{' '}
          <code>
            "warming": {'{'}"mode": "http-get"{'}'}
          </code>{' '}
          with <code>publicBaseUrl</code> reads the headers of each page it fetches
          {d.warming?.mode === 'http-get' ? ' (on here: tags appear after the next purge)' : ''};
        </li>
        <li>
          the sitemap crawl:{' '}
          <code>
            "tags": {'{'}"crawl": {'{'}"cron": "0 3 * * *"{'}'}
            {'}'}
          </code>{' '}
          visits the sitemap on a cron trigger{d.tags?.crawl ? ` (on here: ${d.tags.crawl.cron ?? ''})` : ''};
        </li>
        <li>
          reports from the origin:{' '}
          <code>
            "tags": {'{'}"reportSecret": "TAG_REPORT_TOKEN"{'}'}
          </code>{' '}
          and <code>POST /tags/report</code> from your build or server
          {d.tags?.reportSecret ? ` (on here: ${d.tags.reportSecret})` : ''}.
        </li>
      </ul>
    </Notice>
  );
}

function CrawlTable({ crawl }: { crawl: CrawlProgress }) {
  return (
    <dl>
      <dt>State</dt>
      <dd>{crawl.state}</dd>
      <dt>Started</dt>
      <dd>
        <Time at={crawl.startedAt} />
      </dd>
      <dt>Finished</dt>
      <dd>
        <Time at={crawl.finishedAt} />
      </dd>
      <dt>Sitemaps, pages</dt>
      <dd>{`${crawl.sitemaps} sitemaps, ${crawl.pages} pages (${crawl.tagged} with tags), ${crawl.remaining} to visit`}</dd>
      <dt>Errors, skipped</dt>
      <dd>{`${crawl.errors} errors, ${crawl.skipped} skipped`}</dd>
    </dl>
  );
}

function TopTags({ name, top }: { name: string; top: Summary['top'] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Tag</th>
          <th scope="col">Pages</th>
        </tr>
      </thead>
      <tbody>
        {top.map((t) => (
          <tr>
            <td class="mono">
              <a href={`/admin/ui/tags?distribution=${q(name)}&tag=${q(t.tag)}`}>{t.tag}</a>
            </td>
            <td>{t.paths}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Expansions({ rows }: { rows: TagExpansionRecord[] }) {
  return (
    <table>
      <thead>
        <tr>
          {['When', 'Tag', 'Event', 'Rule', 'Pages purged', 'Folded into'].map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((e) => (
          <tr>
            <td>
              <Time at={e.at} />
            </td>
            <td class="mono">{e.tag}</td>
            <td>
              {e.event && (
                <a href={`/admin/ui/events/${q(e.event)}`} class="mono">
                  {e.event}
                </a>
              )}
            </td>
            <td>{e.rule ?? ''}</td>
            <td>{e.urls}</td>
            <td class="mono">{e.patterns.join(' ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

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
  const settings = await distributions(c);
  const names = Object.keys(settings);
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
          {summary.body.entries === 0 ? (
            <EmptyIndex name={name} d={settings[name] ?? {}} />
          ) : (
            <p>{`${summary.body.entries} entries: ${summary.body.tags} tags on ${summary.body.paths} paths; ${summary.body.queued} tag(s) queued.`}</p>
          )}
          {settings[name]?.tags?.crawl && (
            <>
              <h3>Crawl</h3>
              <p class="muted">{`On the cron trigger ${settings[name]?.tags?.crawl?.cron ?? ''}, from ${settings[name]?.tags?.crawl?.sitemapPath ?? '/sitemap.xml'}.`}</p>
              <CrawlTable crawl={summary.body.crawl} />
              <form method="post" action={`/admin/ui/tags?distribution=${q(name)}`}>
                <CsrfField c={c} />
                <button>Crawl the sitemap now</button>
              </form>
            </>
          )}
          {summary.body.top.length > 0 && (
            <>
              <h3>Largest tags</h3>
              <TopTags name={name} top={summary.body.top} />
            </>
          )}
          <h3>Latest expansions</h3>
          {summary.body.expansions.length === 0 ? (
            <p>
              No tag has been purged yet: a rule's <code>tags</code> (docs/tags.md) queues one.
            </p>
          ) : (
            <Expansions rows={summary.body.expansions} />
          )}
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
