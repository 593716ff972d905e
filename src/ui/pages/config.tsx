// Config: edit the JSON document, check it (PUT /admin/config?dryRun=1) with each problem shown at its line,
// see the diff against the live version, save it (PUT /admin/config). Version history: ./config-versions.
import { Hono } from '../../lib/hono';
import { adminCall, loadLive, type ApiIssue, type ConsoleContext, type ConsoleEnv } from '../api';
import { diffJsonLines, type Hunk } from '../diff';
import { DiffView } from '../diff-view';
import { indexLines, lineOf, syntaxErrorLine } from '../json-lines';
import { CsrfField, Failure, Notice, Page } from '../layout';
import { VersionHistory, loadVersions } from '../version-history';

interface Problem extends ApiIssue {
  line: number | undefined;
}

/** The lines of the document near each problem, the problem's message under its line. */
function Listing({ text, problems }: { text: string; problems: Problem[] }) {
  const lines = text.split('\n');
  const at = new Map<number, string[]>();
  for (const p of problems) if (p.line) at.set(p.line, [...(at.get(p.line) ?? []), `${p.path}: ${p.message}`]);
  const shown = lines.map((_, i) => [...at.keys()].some((l) => Math.abs(l - (i + 1)) <= 3));
  const windows: number[][] = [];
  shown.forEach((show, i) => show && (shown[i - 1] ? windows[windows.length - 1]!.push(i + 1) : windows.push([i + 1])));
  return (
    <div aria-label="Problems in the document, at their lines">
      {windows.map((w) => (
        <ol class="code" start={w[0]}>
          {w.map((n) => (
            <li id={`L${n}`} class={at.has(n) ? 'bad' : undefined}>
              {lines[n - 1]}
              {(at.get(n) ?? []).map((m) => (
                <span class="msg">{`↑ ${m}`}</span>
              ))}
            </li>
          ))}
        </ol>
      ))}
    </div>
  );
}

function Problems({ problems, text }: { problems: Problem[]; text: string }) {
  return (
    <Notice kind="error">
      <strong>{problems.length} problem(s); nothing was saved.</strong>
      <ul id="problems">
        {problems.map((p) => (
          <li>
            {p.line && <a href={`#L${p.line}`} data-line={p.line}>{`line ${p.line}`}</a>} <code>{p.path}</code>: {p.message}
          </li>
        ))}
      </ul>
      <Listing text={text} problems={problems} />
    </Notice>
  );
}

interface EditorState {
  text: string;
  base: number | undefined;
  problems?: Problem[];
  notice?: string;
  /** The relay's warnings about a valid document (secrets not set, crons not triggered): amber, one a line. */
  warnings?: string[];
  hunks?: Hunk[];
}

function Warnings({ warnings }: { warnings: string[] }) {
  return (
    <Notice kind="warn">
      <strong>{warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`}</strong>
      <ul id="warnings">
        {warnings.map((w) => (
          <li>{w}</li>
        ))}
      </ul>
    </Notice>
  );
}

async function render(c: ConsoleContext, state: EditorState, status: 200 | 409 | 422 = 200) {
  const versions = await loadVersions(c);
  return c.html(
    <Page c={c} title="Config" active="config">
      {state.notice && <Notice kind={status === 200 ? 'ok' : 'error'}>{state.notice}</Notice>}
      {state.warnings && state.warnings.length > 0 && <Warnings warnings={state.warnings} />}
      {state.problems && state.problems.length > 0 && <Problems problems={state.problems} text={state.text} />}
      {state.hunks && (
        <section aria-labelledby="diff">
          <h2 id="diff">Diff against the live version{state.base ? ` (${state.base})` : ''}</h2>
          <DiffView hunks={state.hunks} against="the live version" />
        </section>
      )}
      <form method="post" action="/admin/ui/config">
        <CsrfField c={c} />
        <input type="hidden" name="base" value={state.base === undefined ? '' : String(state.base)} />
        <label for="doc">Config document (JSON)</label>
        <textarea
          id="doc"
          name="document"
          rows={28}
          spellcheck={false}
          aria-invalid={state.problems?.length ? 'true' : undefined}
          aria-describedby={state.problems?.length ? 'problems' : undefined}
        >
          {state.text}
        </textarea>
        <p>
          <button name="intent" value="check" class="secondary">
            Check and show the diff
          </button>{' '}
          <button name="intent" value="save">
            Save as a new version
          </button>
        </p>
      </form>
      <VersionHistory c={c} result={versions} />
    </Page>,
    status,
  );
}

/** Parses the text and asks the relay to validate (and, when `save`, store) it. */
async function submit(c: ConsoleContext, text: string, save: boolean) {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    return {
      document: undefined,
      problems: [{ path: '(root)', message: `not valid JSON: ${message}`, line: syntaxErrorLine(text, message) }],
    };
  }
  const result = await adminCall<{ version?: number; warnings?: string[] }>(
    c,
    'PUT',
    save ? '/admin/config' : '/admin/config?dryRun=1',
    document,
  );
  const lines = indexLines(text);
  const problems = result.ok
    ? []
    : (result.issues.length ? result.issues : [{ path: '(root)', message: result.error }]).map((i) => ({
        ...i,
        line: lineOf(lines, i.path),
      }));
  return { document, problems, result };
}

export const configPage = new Hono<ConsoleEnv>()
  .get('/config', async (c) => {
    const live = await loadLive(c);
    if (!live.ok && !live.unavailable && live.status !== 404)
      return c.html(
        <Page c={c} title="Config">
          <Failure result={live} what="Config" route="GET /admin/config" />
        </Page>,
        502,
      );
    const text = live.ok ? JSON.stringify(live.body.config, null, 2) : '{\n  "distributions": {}\n}';
    const rolledBack = c.req.query('rolledBack');
    const notice = !live.ok
      ? 'No config has been saved yet.'
      : rolledBack
        ? `Version ${rolledBack} is live again, as version ${live.body.version}.`
        : undefined;
    return render(c, { text, base: live.ok ? live.body.version : undefined, notice });
  })
  .post('/config', async (c) => {
    const form = await c.req.parseBody();
    const text = String(form.document ?? '');
    const base = Number(form.base) || undefined;
    const live = await loadLive(c);
    const liveVersion = live.ok ? live.body.version : undefined;
    const save = form.intent === 'save';
    if (save && liveVersion !== base) {
      const notice = `The live config changed (version ${base ?? 'none'} → ${liveVersion}) since you loaded it; review the diff and save again.`;
      return render(c, { text, base: liveVersion, notice, hunks: diffText(live.ok ? live.body.config : {}, text) }, 409);
    }
    const { document, problems, result } = await submit(c, text, save);
    const hunks = document === undefined ? undefined : diffJsonLines(live.ok ? live.body.config : {}, document);
    if (problems.length > 0) return render(c, { text, base, problems, hunks }, 422);
    const warnings = result?.ok ? result.body.warnings : undefined;
    if (!save) return render(c, { text, base, hunks, warnings, notice: 'The document is valid.' });
    const version = result?.ok ? result.body.version : undefined;
    return render(c, { text, base: version, warnings, notice: `Saved as version ${version}; it is live within a few seconds.` });
  });

function diffText(live: unknown, text: string): Hunk[] | undefined {
  try {
    return diffJsonLines(live, JSON.parse(text));
  } catch {
    return undefined;
  }
}
