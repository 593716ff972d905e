// Manual purge: paths, patterns (`/blog/*`), prefetch paths or everything, through POST /admin/purge (the same scheduler queue).
import { Hono } from '../../lib/hono';
import { adminCall, type ApiResult, type ConsoleContext, type ConsoleEnv } from '../api';
import { CsrfField, Failure, Notice, Page } from '../layout';

interface Input {
  distribution: string;
  paths: string;
  patterns: string;
  prefetch: string;
  all: boolean;
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

async function distributions(c: ConsoleContext): Promise<string[]> {
  const config = await adminCall<{ config: { distributions?: Record<string, unknown> } }>(c, 'GET', '/admin/config');
  return config.ok ? Object.keys(config.body.config.distributions ?? {}) : [];
}

type Accepted = { eventId: string; paths: number; patterns: number; prefetch: number; all: boolean };

async function render(c: ConsoleContext, input: Input, result?: ApiResult<Accepted>) {
  const names = await distributions(c);
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
      {names.length === 0 ? (
        <p>No distributions are configured yet.</p>
      ) : (
        <form method="post" action="/admin/ui/purge">
          <CsrfField c={c} />
          <label for="distribution">Distribution</label>
          <select id="distribution" name="distribution">
            {names.map((n) => (
              <option selected={n === input.distribution}>{n}</option>
            ))}
          </select>
          <label for="paths">Paths to purge, one a line (starting with /, no domain)</label>
          <textarea id="paths" name="paths" rows={6} spellcheck={false}>
            {input.paths}
          </textarea>
          <label for="patterns">
            Patterns to purge, one a line (a path with <code>*</code> wildcards, e.g. <code>/blog/*</code>)
          </label>
          <textarea id="patterns" name="patterns" rows={3} spellcheck={false}>
            {input.patterns}
          </textarea>
          <label for="prefetch">Paths to prefetch after their purge, one a line</label>
          <textarea id="prefetch" name="prefetch" rows={3} spellcheck={false}>
            {input.prefetch}
          </textarea>
          <p>
            <input type="checkbox" id="all" name="all" value="1" checked={input.all} />{' '}
            <label for="all" class="inline">
              Purge everything cached for this distribution
            </label>
          </p>
          <button data-confirm="Queue this purge?">Purge</button>
        </form>
      )}
    </Page>,
    result && !result.ok ? 422 : 200,
  );
}

export const purgePage = new Hono<ConsoleEnv>()
  .get('/purge', (c) => render(c, { distribution: '', paths: '', patterns: '', prefetch: '', all: false }))
  .post('/purge', async (c) => {
    const form = await c.req.parseBody();
    const input: Input = {
      distribution: String(form.distribution ?? ''),
      paths: String(form.paths ?? ''),
      patterns: String(form.patterns ?? ''),
      prefetch: String(form.prefetch ?? ''),
      all: form.all === '1',
    };
    const result = await adminCall<Accepted>(c, 'POST', '/admin/purge', {
      distribution: input.distribution,
      paths: lines(input.paths),
      patterns: lines(input.patterns),
      prefetch: lines(input.prefetch),
      all: input.all,
    });
    return render(c, result.ok ? { ...input, paths: '', patterns: '', prefetch: '', all: false } : input, result);
  });
