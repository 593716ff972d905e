// The editor's status page and its error pages: small, public, no script, nothing to follow to the console.
import type { PropsWithChildren } from 'hono/jsx';
import { raw } from 'hono/html';
import { humanType, type ChangeNote } from '../notify/change';
import type { PageState, StatusReport } from './report';

const CSS = `body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1d232a;background:#f6f7f9}main{max-width:46rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.35rem}table{border-collapse:collapse;width:100%;background:#fff}td,th{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #dde1e6}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:14px;word-break:break-all}.badge{padding:0 .5rem;border-radius:9px;font-size:13px;font-weight:600}
.queued{background:#fef7e0}.sent{background:#d3e3fd}.live{background:#c4eed0}.refused{background:#f6c6c2}.muted{color:#5f6368}`;

const WORDS: Record<PageState, string> = {
  queued: 'queued',
  sent: 'sent to the CDN',
  live: 'live',
  refused: 'refused by the CDN',
};

export function Frame(props: PropsWithChildren<{ nonce: string; title: string }>) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <style nonce={props.nonce}>{raw(CSS)}</style>
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** "Hello world (blog post)", or what the relay knows of the change. */
function changeTitle(change: ChangeNote | undefined): string {
  if (!change) return 'Your change';
  const type = change.contentType ? humanType(change.contentType) : undefined;
  if (change.title) return `${change.title}${type ? ` (${type})` : ''}`;
  return type ? `The ${type}${change.documentId ? ` ${change.documentId}` : ''}` : 'Your change';
}

function summary(report: StatusReport): string {
  const { counts } = report;
  const total = report.pages.length;
  if (total === 0) return 'This change did not need any page refreshed.';
  if (report.done && counts.refused === 0)
    return counts.live === total ? `All ${total} pages are live.` : `All ${total} pages were sent to the CDN to refresh.`;
  if (report.etaSeconds === null)
    return `${counts.queued} of ${total} pages wait: purging is on hold; the site's operators are told.`;
  if (counts.queued > 0)
    return `${counts.queued} of ${total} pages wait to be refreshed${report.etaSeconds !== undefined ? `, expected within about ${Math.max(1, report.etaSeconds)} s` : ''}.`;
  return `${counts.refused} of ${total} pages were refused by the CDN; the site's operators can retry them.`;
}

export function StatusPage({ nonce, change, report }: { nonce: string; change?: ChangeNote; report: StatusReport }) {
  const title = changeTitle(change);
  return (
    <Frame nonce={nonce} title={`${title} · status`}>
      <h1>{title}</h1>
      <p role="status">{summary(report)}</p>
      {change && (
        <p class="muted">
          {`${change.action} from ${change.source} at ${new Date(change.at).toISOString().replace('T', ' ').slice(0, 16)} UTC`}
        </p>
      )}
      {report.pages.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Page</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {report.pages.map((p) => (
              <tr>
                <td class="mono">{p.kind === 'url' ? p.path : `${p.path} (${p.kind})`}</td>
                <td>
                  <span class={`badge ${p.state}`}>{WORDS[p.state]}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="muted">This page refreshes when you reload it.</p>
    </Frame>
  );
}

export function ErrorPage({ nonce, title, text }: { nonce: string; title: string; text: string }) {
  return (
    <Frame nonce={nonce} title={title}>
      <h1>{title}</h1>
      <p>{text}</p>
    </Frame>
  );
}
