// The config's version history as a table with a rollback button per version, shown on the Config page and
// the version pages (GET /admin/config/versions, POST /admin/config/rollback through the console form).
import { adminCall, type ApiResult, type ConsoleContext } from './api';
import { CsrfField, Failure, Time } from './layout';
import type { VersionInfo } from '../rules/store';

export const VERSIONS_ROUTE = '/admin/config/versions';

interface VersionList {
  current: number;
  versions: VersionInfo[];
  cursor?: string;
}

export const loadVersions = (c: ConsoleContext) => adminCall<VersionList>(c, 'GET', VERSIONS_ROUTE);

export function RollbackButton({ c, version }: { c: ConsoleContext; version: number }) {
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

export function VersionHistory({ c, result }: { c: ConsoleContext; result: ApiResult<VersionList> }) {
  const live = result.ok ? result.body.current : undefined;
  return (
    <section aria-labelledby="versions">
      <h2 id="versions">Version history</h2>
      <Failure result={result} what="Version history" route={`GET ${VERSIONS_ROUTE}`} />
      {result.ok && (
        <table>
          <thead>
            <tr>
              {['Version', 'Saved', 'Rules', 'Actions'].map((h) => (
                <th scope="col">{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {[...result.body.versions]
              .sort((a, b) => b.version - a.version)
              .map((v) => (
                <tr>
                  <td>
                    <a href={`/admin/ui/config/versions/${v.version}`}>{v.version}</a>{' '}
                    {v.version === live && <strong>(live)</strong>}
                    {v.rolledBackFrom !== undefined && <span class="muted">{` rollback to ${v.rolledBackFrom}`}</span>}
                  </td>
                  <td>
                    <Time at={v.savedAt} />
                  </td>
                  <td>{v.rules}</td>
                  <td>{v.version !== live && <RollbackButton c={c} version={v.version} />}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
