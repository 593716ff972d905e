// The console's page frame (navigation, inline CSS and the one small script) and shared pieces.
import type { Child, PropsWithChildren } from 'hono/jsx';
import { raw } from 'hono/html';
import type { ApiResult, ConsoleContext } from './api';

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1d232a;background:#f6f7f9}
a{color:#0b57d0}header{display:flex;flex-wrap:wrap;gap:.2rem 1rem;align-items:center;padding:.5rem 1rem;background:#1d232a}
header a,header button{color:#fff;text-decoration:none;padding:.3rem .2rem}header a[aria-current]{border-bottom:2px solid #8ab4f8}
header form{margin-left:auto}header form.search+form{margin-left:.5rem}header input[type=search]{padding:.3rem;min-width:14rem}header button.secondary{color:#0b57d0}header strong{color:#fff;margin-right:1rem}
main{max-width:72rem;margin:0 auto;padding:1rem;overflow-wrap:break-word}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0}@media (max-width:48rem){table{display:block;overflow-x:auto}}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #dde1e6;vertical-align:top}
th{background:#eef0f3;font-weight:600}code,pre,textarea,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
pre{background:#fff;border:1px solid #dde1e6;padding:.6rem;overflow:auto;max-height:30rem}
input,select,button{font:inherit}textarea{width:100%;padding:.5rem}input[type=text],input[type=password],select{padding:.3rem;min-width:min(16rem,100%);max-width:100%}
button{padding:.35rem .9rem;border:1px solid #0b57d0;background:#0b57d0;color:#fff;border-radius:4px;cursor:pointer}
button.plain{background:none;border:none}button.secondary{background:#fff;color:#0b57d0}button.danger{background:#b3261e;border-color:#b3261e}
label{display:block;font-weight:600;margin:.7rem 0 .2rem}label.inline{display:inline}.row{display:flex;gap:1rem;flex-wrap:wrap;align-items:end}
.notice{padding:.6rem .8rem;border-radius:4px;margin:.7rem 0;border:1px solid}.error{background:#fce8e6;border-color:#e0a39e}
.ok{background:#e6f4ea;border-color:#9fcfad}.info{background:#e8f0fe;border-color:#a8c1ef}.warn{background:#fef7e0;border-color:#f0d27a}
.badge{display:inline-block;padding:0 .45rem;border-radius:9px;font-size:12px;font-weight:600;background:#dde1e6}
.b-ok,.b-accepted{background:#c4eed0}.b-failing,.b-failed,.b-rejected{background:#f6c6c2}.b-unauthorized,.b-refused,.b-warning{background:#f9d88f}.b-error{background:#f6c6c2}.b-duplicate{background:#d3e3fd}.b-live,.b-gone{background:#c4eed0}.b-sent{background:#d3e3fd}.b-stale{background:#f9d88f}.b-stuck,.b-dead-lettered{background:#f6c6c2}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(30rem,100%),1fr));gap:1rem}.card{background:#fff;border:1px solid #dde1e6;padding:.8rem;border-radius:6px}.card h2{margin-top:0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:.4rem 0}dt{color:#5f6368}dd{margin:0}
ol.code{background:#fff;border:1px solid #dde1e6;padding:.4rem .4rem .4rem 3.5rem;margin:.5rem 0;max-height:36rem;overflow:auto}
ol.code li{white-space:pre-wrap}ol.code li.bad{background:#fce8e6}ol.code .msg{display:block;color:#b3261e;font-family:system-ui,sans-serif;font-weight:600}
.add{background:#e6f4ea}.del{background:#fce8e6}.muted{color:#5f6368}svg{background:#fff;border:1px solid #dde1e6;max-width:100%}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}output.check{display:block;color:#b3261e;font-weight:600;min-height:1.2em}fieldset{border:1px solid #dde1e6;border-radius:4px;margin:.7rem 0}.scroll{overflow-x:auto}
`;

// Asks before dangerous submits, jumps from a config problem to its line in the editor, and checks manual purge paths
// as they are typed (a mirror of src/admin/manual-paths.ts; the server checks again on submit).
const SCRIPT = `
document.addEventListener('submit',e=>{const m=e.submitter?.dataset.confirm||e.target.dataset.confirm;if(m&&!confirm(m))e.preventDefault()});
document.addEventListener('click',e=>{const a=e.target.closest('[data-line]');const t=document.getElementById('doc');if(!a||!t)return;
e.preventDefault();const n=+a.dataset.line,l=t.value.split('\\n');let s=0;for(let i=1;i<n;i++)s+=l[i-1].length+1;
t.focus();t.setSelectionRange(s,s+(l[n-1]||'').length);t.scrollTop=Math.max(0,(n-5)*t.scrollHeight/l.length)});
function checkPaths(t){const f=t.form,h=JSON.parse(f.dataset.homes||'{}')[f.distribution?.value]||'',o=document.getElementById(t.id+'-check'),p=[];
t.value.split(/\\r?\\n/).forEach((r,i)=>{let v=r.trim();if(!v)return;if(/^[a-z][a-z0-9+.-]*:\\/\\//i.test(v)){let u;try{u=new URL(v)}catch{p.push(i+1+': not a valid URL');return}
if(!h||u.origin!==h){p.push(i+1+': not on '+(h||"this distribution's public host (no publicBaseUrl)"));return}v=v.slice(u.origin.length)||'/'}
if(v[0]!=='/')p.push(i+1+': a path must start with "/"');else if(/[\\s\\x00-\\x1f\\x7f]/.test(v))p.push(i+1+': has a space or control character (write %20)')});
o.textContent=p.length?'Line '+p.join('; line '):'';t.setAttribute('aria-invalid',p.length?'true':'false')}
document.addEventListener('input',e=>{if(e.target.matches?.('textarea[data-paths]'))checkPaths(e.target)});
document.addEventListener('change',e=>{if(e.target.id==='distribution')document.querySelectorAll('textarea[data-paths]').forEach(checkPaths)});
`;

/** The frame of every page after login (the navigation comes from the page list in route.tsx); `active` is the slug to mark as current. */
export function Page(props: PropsWithChildren<{ c: ConsoleContext; title: string; active?: string }>) {
  const nonce = props.c.get('nonce');
  const session = props.c.get('session');
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="/admin/ui/favicon.svg" type="image/svg+xml" />
        <title>{`${props.title} · purge-relay`}</title>
        <style nonce={nonce}>{raw(CSS)}</style>
      </head>
      <body>
        <header>
          <strong>purge-relay</strong>
          <nav aria-label="Console">
            {(props.c.get('nav') ?? []).map(({ slug, title }) => (
              <a href={slug ? `/admin/ui/${slug}` : '/admin/ui'} aria-current={props.active === slug ? 'page' : undefined}>
                {title}{' '}
              </a>
            ))}
            <a href="/admin/docs">API docs</a>
          </nav>
          <form method="get" action="/admin/ui/paths" role="search" class="search">
            <label class="sr" for="find-path">
              Why is this URL stale?
            </label>
            <input id="find-path" type="search" name="path" placeholder="/path or URL: why stale?" required />
            <button class="secondary">Why?</button>
          </form>
          {session && (
            <form method="post" action="/admin/ui/logout">
              <CsrfField c={props.c} />
              <button class="plain">Log out</button>
            </form>
          )}
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
        <script nonce={nonce}>{raw(SCRIPT)}</script>
      </body>
    </html>
  );
}

export const CsrfField = ({ c }: { c: ConsoleContext }) => <input type="hidden" name="_csrf" value={c.get('session').csrf} />;

export const Notice = (props: PropsWithChildren<{ kind: 'error' | 'ok' | 'info' | 'warn' }>) => (
  <div class={`notice ${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
    {props.children}
  </div>
);

/** A feature whose admin route this version of the relay does not have yet. */
export const Unavailable = ({ what, route }: { what: string; route: string }) => (
  <Notice kind="info">
    <strong>{what} is not available in this version</strong> of the relay (it needs <code>{route}</code>).
  </Notice>
);

/** Shows a failed admin call: the route missing, or the relay's message and any issues. */
export function Failure({ result, what, route }: { result: ApiResult<unknown>; what: string; route: string }) {
  if (result.ok) return null;
  if (result.unavailable) return <Unavailable what={what} route={route} />;
  return (
    <Notice kind="error">
      {result.error} <span class="muted">({result.status})</span>
      {result.issues.length > 0 && (
        <ul>
          {result.issues.map((i) => (
            <li>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
    </Notice>
  );
}

export const Json = ({ value }: { value: unknown }) => <pre>{JSON.stringify(value, null, 2)}</pre>;

export const Badge = ({ value }: { value: string }) => <span class={`badge b-${value}`}>{value}</span>;

const cell = (v: unknown): Child =>
  v === undefined || v === null ? '' : typeof v === 'object' ? <code>{JSON.stringify(v)}</code> : String(v);

/** A table of records whose shape is not fixed (routes of newer versions): one column per key seen. */
export function DataTable({ rows }: { rows: Record<string, unknown>[] }) {
  const keys = [...new Set(rows.slice(0, 50).flatMap((r) => Object.keys(r)))];
  return (
    <table>
      <thead>
        <tr>
          {keys.map((k) => (
            <th scope="col">{k}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            {keys.map((k) => (
              <td>{cell(r[k])}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The first array found in a response: as is, or under one of the names a list is usually given. */
export function listIn(body: unknown, ...names: string[]): Record<string, unknown>[] | undefined {
  if (Array.isArray(body)) return body as Record<string, unknown>[];
  const record = (body ?? {}) as Record<string, unknown>;
  const name = names.find((n) => Array.isArray(record[n]));
  return name ? (record[name] as Record<string, unknown>[]) : undefined;
}

/** "3 s", "4 min", "2 h": a short age for a duration in ms. */
export function age(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : s < 7_200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3_600)} h`;
}

export const Time = ({ at }: { at: number | string | undefined }) =>
  at === undefined ? (
    <span>–</span>
  ) : (
    <time datetime={new Date(at).toISOString()}>{new Date(at).toISOString().replace('T', ' ').slice(0, 19)}Z</time>
  );
