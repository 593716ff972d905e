// Manual purge: paths, patterns (`/blog/*`), prefetch paths or everything, through POST /admin/purge (the same scheduler queue).
// Lines are checked as they are typed and again on submit: a full URL of the public host becomes its path, spaces
// are refused before anything is queued, and purging everything needs the distribution's name typed.
import { checkManualPaths } from '../../admin/manual-paths';
import { Hono } from '../../lib/hono';
import { adminCall, type ApiResult, type ConsoleContext, type ConsoleEnv } from '../api';
import { CsrfField, Failure, Notice, Page } from '../layout';

interface Input {
  distribution: string;
  paths: string;
  patterns: string;
  prefetch: string;
  all: boolean;
  /** The distribution's name typed again: purging everything needs it. */
  confirmAll: string;
}

/** Each distribution's name and public base URL (full URLs typed for it are made paths). */
async function distributions(c: ConsoleContext): Promise<Record<string, string | undefined>> {
  const config = await adminCall<{ config: { distributions?: Record<string, { publicBaseUrl?: string }> } }>(
    c,
    'GET',
    '/admin/config',
  );
  const list = config.ok ? Object.entries(config.body.config.distributions ?? {}) : [];
  return Object.fromEntries(list.map(([name, d]) => [name, d.publicBaseUrl]));
}

function PathField(props: { id: keyof Input; label: unknown; rows: number; value: string }) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        name={props.id}
        rows={props.rows}
        spellcheck={false}
        data-paths
        aria-describedby={`${props.id}-check`}
      >
        {props.value}
      </textarea>
      <output id={`${props.id}-check`} class="check" aria-live="polite" />
    </>
  );
}

type Accepted = { eventId: string; paths: number; patterns: number; prefetch: number; all: boolean };

async function render(c: ConsoleContext, input: Input, result?: ApiResult<Accepted>, problems: string[] = []) {
  const hosts = await distributions(c);
  const names = Object.keys(hosts);
  const homes = Object.fromEntries(names.map((n) => [n, hosts[n] ? new URL(hosts[n]).origin : '']));
  return c.html(
    <Page c={c} title="Manual purge" active="purge">
      {result?.ok && (
        <Notice kind="ok">
          Queued {result.body.all ? 'a purge of everything' : `${result.body.paths} path(s)`}
          {result.body.patterns ? ` and ${result.body.patterns} pattern(s)` : ''}
          {result.body.prefetch ? ` and ${result.body.prefetch} prefetch(es)` : ''} as event{' '}
          <a href={`/admin/ui/events/${encodeURIComponent(result.body.eventId)}`} class="mono">
            {result.body.eventId}
          </a>
          ; the scheduler sends it within the distribution's limits.
        </Notice>
      )}
      {result && <Failure result={result} what="Manual purge" route="POST /admin/purge" />}
      {problems.length > 0 && (
        <Notice kind="error">
          <strong>{problems.length} problem(s); nothing was queued.</strong>
          <ul id="purge-problems">
            {problems.map((p) => (
              <li>{p}</li>
            ))}
          </ul>
        </Notice>
      )}
      {names.length === 0 ? (
        <p>No distributions are configured yet.</p>
      ) : (
        <form method="post" action="/admin/ui/purge" data-homes={JSON.stringify(homes)}>
          <CsrfField c={c} />
          <label for="distribution">Distribution</label>
          <select id="distribution" name="distribution">
            {names.map((n) => (
              <option selected={n === input.distribution}>{n}</option>
            ))}
          </select>
          <PathField
            id="paths"
            rows={6}
            value={input.paths}
            label="Paths to purge, one a line (starting with /, or a full URL of the distribution's public host)"
          />
          <PathField
            id="patterns"
            rows={3}
            value={input.patterns}
            label={
              <>
                Patterns to purge, one a line (a path with <code>*</code> wildcards, e.g. <code>/blog/*</code>)
              </>
            }
          />
          <PathField id="prefetch" rows={3} value={input.prefetch} label="Paths to prefetch after their purge, one a line" />
          <fieldset>
            <legend>Everything</legend>
            <input type="checkbox" id="all" name="all" value="1" checked={input.all} />{' '}
            <label for="all" class="inline">
              Purge everything cached for this distribution
            </label>
            <label for="confirmAll">To purge everything, type the distribution's name</label>
            <input type="text" id="confirmAll" name="confirmAll" value={input.confirmAll} autocomplete="off" />
          </fieldset>
          <button data-confirm="Queue this purge?">Purge</button>
        </form>
      )}
    </Page>,
    (result && !result.ok) || problems.length > 0 ? 422 : 200,
  );
}

const EMPTY: Input = { distribution: '', paths: '', patterns: '', prefetch: '', all: false, confirmAll: '' };

export const purgePage = new Hono<ConsoleEnv>()
  .get('/purge', (c) => render(c, EMPTY))
  .post('/purge', async (c) => {
    const form = await c.req.parseBody();
    const input: Input = {
      distribution: String(form.distribution ?? ''),
      paths: String(form.paths ?? ''),
      patterns: String(form.patterns ?? ''),
      prefetch: String(form.prefetch ?? ''),
      all: form.all === '1',
      confirmAll: String(form.confirmAll ?? ''),
    };
    const home = (await distributions(c))[input.distribution];
    const fields = (['paths', 'patterns', 'prefetch'] as const).map((f) => ({ f, ...checkManualPaths(input[f], home) }));
    const problems = fields.flatMap(({ f, problems }) => problems.map((p) => `${f} ${p}`));
    if (input.all && input.confirmAll.trim() !== input.distribution)
      problems.push(`to purge everything cached for ${input.distribution}, type its name "${input.distribution}" in the box`);
    if (problems.length > 0) return render(c, input, undefined, problems);
    const [paths, patterns, prefetch] = fields.map((x) => x.paths);
    const result = await adminCall<Accepted>(c, 'POST', '/admin/purge', {
      distribution: input.distribution,
      paths,
      patterns,
      prefetch,
      all: input.all,
    });
    return render(c, result.ok ? { ...EMPTY, distribution: input.distribution } : input, result);
  });
