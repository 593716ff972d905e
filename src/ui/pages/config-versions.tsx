// Config version history and rollback, on the admin routes of the rules issue:
//   GET  /admin/config/versions                 → [{version, savedAt, …}] (or {versions: [...]})
//   GET  /admin/config/versions/{n}             → {version, savedAt, config} (or `document`)
//   POST /admin/config/versions/{n}/rollback    → {version, …}: the old document saved as a new version
// Without the rollback route, a rollback saves the old document through PUT /admin/config (the same effect).
// Without the versions routes, the section says the feature is not available in this version.
import { Hono } from 'hono';
import { adminCall, loadLive, type ApiResult, type ConsoleContext, type ConsoleEnv } from '../api';
import { diffJson } from '../diff';
import { DiffView } from '../diff-view';
import { CsrfField, Failure, Json, Notice, Page, Time, listIn } from '../layout';

export const VERSIONS_ROUTE = '/admin/config/versions';

interface VersionSummary {
  version: number;
  savedAt?: string;
}

interface VersionDocument extends VersionSummary {
  config?: unknown;
  document?: unknown;
}

export const loadVersions = (c: ConsoleContext) => adminCall<unknown>(c, 'GET', VERSIONS_ROUTE);

function RollbackButton({ c, version }: { c: ConsoleContext; version: number }) {
  return (
    <form
      method="post"
      action={`/admin/ui/config/versions/${version}/rollback`}
      data-confirm={`Make version ${version} live again (as a new version)?`}
    >
      <CsrfField c={c} />
      <button class="secondary" aria-label={`Roll back to version ${version}`}>
        Roll back
      </button>
    </form>
  );
}

export function VersionHistory({ c, result, live }: { c: ConsoleContext; result: ApiResult<unknown>; live: number | undefined }) {
  const versions = result.ok ? (listIn(result.body, 'versions', 'items') as unknown as VersionSummary[] | undefined) : undefined;
  return (
    <section aria-labelledby="versions">
      <h2 id="versions">Version history</h2>
      <Failure result={result} what="Version history" route={`GET ${VERSIONS_ROUTE}`} />
      {versions && (
        <table>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Saved</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {[...versions]
              .sort((a, b) => b.version - a.version)
              .map((v) => (
                <tr>
                  <td>
                    <a href={`/admin/ui/config/versions/${v.version}`}>{v.version}</a>{' '}
                    {v.version === live && <strong>(live)</strong>}
                  </td>
                  <td>
                    <Time at={v.savedAt} />
                  </td>
                  <td>{v.version !== live && <RollbackButton c={c} version={v.version} />}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const documentOf = (v: VersionDocument) => v.config ?? v.document;

/** Rolls back through the rollback route, or by saving the old document when there is none. */
async function rollback(c: ConsoleContext, version: number): Promise<ApiResult<{ version?: number }>> {
  const direct = await adminCall<{ version?: number }>(c, 'POST', `${VERSIONS_ROUTE}/${version}/rollback`, {});
  if (direct.ok || !direct.unavailable) return direct;
  const old = await adminCall<VersionDocument>(c, 'GET', `${VERSIONS_ROUTE}/${version}`);
  return old.ok ? adminCall<{ version?: number }>(c, 'PUT', '/admin/config', documentOf(old.body)) : old;
}

export const versionsPage = new Hono<ConsoleEnv>()
  .get('/config/versions/:n{[0-9]+}', async (c) => {
    const n = Number(c.req.param('n'));
    const [one, live] = await Promise.all([adminCall<VersionDocument>(c, 'GET', `${VERSIONS_ROUTE}/${n}`), loadLive(c)]);
    return c.html(
      <Page c={c} title={`Config version ${n}`} active="config">
        <Failure result={one} what="Config versions" route={`GET ${VERSIONS_ROUTE}/{n}`} />
        {one.ok && (
          <>
            <p>
              Saved <Time at={one.body.savedAt} />. {live.ok && live.body.version !== n && <RollbackButton c={c} version={n} />}
            </p>
            {live.ok && (
              <DiffView
                hunks={diffJson(live.body.config, documentOf(one.body))}
                against={`the live version (${live.body.version})`}
              />
            )}
            <h2>Document</h2>
            <Json value={documentOf(one.body)} />
          </>
        )}
      </Page>,
    );
  })
  .post('/config/versions/:n{[0-9]+}/rollback', async (c) => {
    const n = Number(c.req.param('n'));
    const result = await rollback(c, n);
    if (result.ok) return c.redirect(`/admin/ui/config?rolledBack=${n}&version=${result.body.version ?? ''}`, 303);
    return c.html(
      <Page c={c} title="Rollback failed" active="config">
        <Notice kind="error">Version {n} was not made live.</Notice>
        <Failure result={result} what="Rollback" route={`POST ${VERSIONS_ROUTE}/{n}/rollback`} />
      </Page>,
      502,
    );
  });
