// Config version history and rollback, on the rules' admin routes (docs/rules.md):
//   GET  /admin/config/versions          → {current, versions: [{version, savedAt, rules, rolledBackFrom?}], cursor?}
//   GET  /admin/config/versions/{n}      → {version, savedAt, rules, config}
//   GET  /admin/config/diff?from=&to=    → {from, to, changes: [{path, op, from?, to?}]}
//   POST /admin/config/rollback {version} → {version, savedAt, rolledBackFrom}: the old document saved as a new version
import { Hono } from '../../lib/hono';
import type { Change } from '../../rules/diff';
import type { VersionInfo } from '../../rules/store';
import { adminCall, type ApiResult, type ConsoleEnv } from '../api';
import { DataTable, Failure, Json, Notice, Page, Time } from '../layout';
import { RollbackButton, VERSIONS_ROUTE, loadVersions } from '../version-history';

/** What making version `n` live would change: the live version's diff to it, from GET /admin/config/diff. */
function Changes({ result, live }: { result: ApiResult<{ changes: Change[] }>; live: number }) {
  if (!result.ok) return <Failure result={result} what="The diff" route="GET /admin/config/diff" />;
  if (result.body.changes.length === 0) return <p>No changes from the live version ({live}).</p>;
  return <DataTable rows={result.body.changes as unknown as Record<string, unknown>[]} />;
}

export const versionsPage = new Hono<ConsoleEnv>()
  .get('/config/versions/:n{[0-9]+}', async (c) => {
    const n = Number(c.req.param('n'));
    const [one, list] = await Promise.all([
      adminCall<VersionInfo & { config: unknown }>(c, 'GET', `${VERSIONS_ROUTE}/${n}`),
      loadVersions(c),
    ]);
    const live = list.ok ? list.body.current : undefined;
    const diff =
      one.ok && live !== undefined
        ? await adminCall<{ changes: Change[] }>(c, 'GET', `/admin/config/diff?from=${live}&to=${n}`)
        : undefined;
    return c.html(
      <Page c={c} title={`Config version ${n}`} active="config">
        <Failure result={one} what="Config versions" route={`GET ${VERSIONS_ROUTE}/{n}`} />
        {one.ok && (
          <>
            <p>
              Saved <Time at={one.body.savedAt} />, {one.body.rules} rule(s).{' '}
              {live !== undefined && live !== n && <RollbackButton c={c} version={n} />}
            </p>
            <h2>{`Changes from the live version (${live ?? '?'}) to version ${n}`}</h2>
            {diff && live !== undefined && <Changes result={diff} live={live} />}
            <h2>Document</h2>
            <Json value={one.body.config} />
          </>
        )}
      </Page>,
      one.ok ? 200 : one.status === 404 ? 404 : 502,
    );
  })
  .post('/config/versions/:n{[0-9]+}/rollback', async (c) => {
    const n = Number(c.req.param('n'));
    const result = await adminCall<{ version: number }>(c, 'POST', '/admin/config/rollback', { version: n });
    if (result.ok) return c.redirect(`/admin/ui/config?rolledBack=${n}&version=${result.body.version}`, 303);
    return c.html(
      <Page c={c} title="Rollback failed" active="config">
        <Notice kind="error">Version {n} was not made live.</Notice>
        <Failure result={result} what="Rollback" route="POST /admin/config/rollback" />
      </Page>,
      result.status === 404 ? 404 : 422,
    );
  });
