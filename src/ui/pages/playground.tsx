// Playground: a payload and headers for a source, run through POST /admin/preview (the webhook pipeline
// without the signature check and without purging): each normalized event, matched rules, paths.
import { Hono } from '../../lib/hono';
import type { MatchResult } from '../../rules/matcher';
import { adminCall, type ConsoleContext, type ConsoleEnv } from '../api';
import { CsrfField, Failure, Json, Page } from '../layout';

/** One event of POST /admin/preview's answer (src/admin/preview.ts), the parts this page draws. */
interface EventPreview extends Omit<MatchResult, 'memory'> {
  event: Record<string, unknown>;
}

/** POST /admin/preview's answer: every event the delivery carries (one per changed document). */
interface Preview {
  events: EventPreview[];
}

interface Input {
  source: string;
  headers: string;
  payload: string;
}

/** `Name: value` lines (blank lines and `#` comments skipped) into a header record. */
export function parseHeaderLines(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([^:#\s][^:]*):\s*(.*?)\s*$/.exec(line);
    if (match?.[1]) headers[match[1].trim().toLowerCase()] = match[2] ?? '';
  }
  return headers;
}

async function sources(c: ConsoleContext): Promise<[string, string][]> {
  const config = await adminCall<{ config: { sources?: Record<string, { provider: string }> } }>(c, 'GET', '/admin/config');
  return config.ok ? Object.entries(config.body.config.sources ?? {}).map(([id, s]) => [id, s.provider]) : [];
}

function Form({ c, input, choices }: { c: ConsoleContext; input: Input; choices: [string, string][] }) {
  return (
    <form method="post" action="/admin/ui/playground">
      <CsrfField c={c} />
      <label for="source">Source</label>
      <select id="source" name="source" required>
        {choices.map(([id, provider]) => (
          <option value={id} selected={id === input.source}>{`${id} (${provider})`}</option>
        ))}
      </select>
      <label for="headers">
        Headers, one <code>Name: value</code> a line (the platform's topic or event headers; no signature needed)
      </label>
      <textarea id="headers" name="headers" rows={3} spellcheck={false}>
        {input.headers}
      </textarea>
      <label for="payload">Payload (the webhook body)</label>
      <textarea id="payload" name="payload" rows={12} spellcheck={false} required>
        {input.payload}
      </textarea>
      <p>
        <button>Preview</button> <span class="muted">Nothing is queued or purged.</span>
      </p>
    </form>
  );
}

function Result({ preview }: { preview: Preview }) {
  const { events } = preview;
  return (
    <section aria-labelledby="result">
      {events.length === 0 && <p id="result">The delivery carries no change: nothing would be purged.</p>}
      {events.length > 1 && <p id="result">{`The delivery carries ${events.length} changes, one event each:`}</p>}
      {events.map((e, i) => (
        <EventResult preview={e} heading={events.length > 1 ? `Event ${i + 1} of ${events.length}: ` : ''} />
      ))}
      <details>
        <summary>Full preview (as POST /admin/preview answers)</summary>
        <Json value={preview} />
      </details>
    </section>
  );
}

function EventResult({ preview, heading }: { preview: EventPreview; heading: string }) {
  return (
    <>
      <h2 id={heading ? undefined : 'result'}>{`${heading}Matched rules`}</h2>
      {preview.matches.length === 0 && <p>No rule matched: nothing would be purged.</p>}
      <table>
        <thead>
          <tr>
            {['Rule', 'Distribution', 'Purge', 'Prefetch', 'Left out'].map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.matches.map((m) => (
            <tr>
              <td>{m.ruleId}</td>
              <td>{m.distribution}</td>
              <td class="mono">
                {m.paths
                  .filter((p) => p.kind !== 'prefetch')
                  .map((p) => (
                    <div>{p.kind === 'pattern' ? `${p.path} (pattern)` : p.path}</div>
                  ))}
              </td>
              <td class="mono">
                {m.paths
                  .filter((p) => p.prefetch || p.kind === 'prefetch')
                  .map((p) => (
                    <div>{p.path}</div>
                  ))}
              </td>
              <td>
                {m.skipped.map((s) => (
                  <div>{`${s.template}${s.locale ? ` (${s.locale})` : ''}: ${s.reason}`}</div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Rules that did not match</h2>
      {preview.misses.length === 0 && <p>Every rule matched.</p>}
      <ul>
        {preview.misses.map((m) => (
          <li>
            <strong>{m.ruleId}</strong>: {m.reason}
          </li>
        ))}
      </ul>
      {preview.otherRules > 0 && (
        <p class="muted">{`${preview.otherRules} other rule(s) are for another source, action or content type.`}</p>
      )}
      <h2>{`${heading}Normalized event`}</h2>
      <Json value={preview.event} />
    </>
  );
}

export const playgroundPage = new Hono<ConsoleEnv>()
  .get('/playground', async (c) => {
    const choices = await sources(c);
    const input = { source: c.req.query('source') ?? choices[0]?.[0] ?? '', headers: '', payload: '' };
    return c.html(
      <Page c={c} title="Playground" active="playground">
        {choices.length === 0 ? (
          <p>No sources are configured yet: add one on the Config page.</p>
        ) : (
          <Form c={c} input={input} choices={choices} />
        )}
      </Page>,
    );
  })
  .post('/playground', async (c) => {
    const form = await c.req.parseBody();
    const input: Input = {
      source: String(form.source ?? ''),
      headers: String(form.headers ?? ''),
      payload: String(form.payload ?? ''),
    };
    const [choices, preview] = await Promise.all([
      sources(c),
      // The payload goes as the raw string: the provider parses it exactly as it would a webhook body.
      adminCall<Preview>(c, 'POST', '/admin/preview', {
        source: input.source,
        headers: parseHeaderLines(input.headers),
        body: input.payload,
      }),
    ]);
    return c.html(
      <Page c={c} title="Playground" active="playground">
        <Form c={c} input={input} choices={choices} />
        <Failure result={preview} what="Preview" route="POST /admin/preview" />
        {preview.ok && <Result preview={preview.body} />}
      </Page>,
      preview.ok ? 200 : 422,
    );
  });
