// Renders diff hunks as a unified diff, added and removed lines marked.
import type { Hunk } from './diff';

export function DiffView({ hunks, against }: { hunks: Hunk[]; against: string }) {
  if (hunks.length === 0) return <p>No changes from {against}.</p>;
  return (
    <pre aria-label={`Changes from ${against}`}>
      {hunks.map((h) => (
        <>
          <span class="muted">{`@@ -${h.oldStart} +${h.newStart} @@\n`}</span>
          {h.lines.map((l) => (
            <span class={l.op === '+' ? 'add' : l.op === '-' ? 'del' : undefined}>{`${l.op} ${l.text}\n`}</span>
          ))}
        </>
      ))}
    </pre>
  );
}
