// The doctor's findings as a banner (the console's Overview): the quick checks on every visit, the full check
// (Gotipath, public sites, key URLs) on request. Reads GET /admin/doctor like the CLI.
import type { CheckStatus, DoctorReport } from '../doctor/report';
import type { ApiResult, ConsoleContext } from './api';
import { Badge, CsrfField, Failure } from './layout';

const NOTICE: Record<CheckStatus, string> = { ok: 'ok', warning: 'warn', error: 'error' };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function DoctorBanner({ c, result, full }: { c: ConsoleContext; result: ApiResult<DoctorReport>; full: boolean }) {
  if (!result.ok) return <Failure result={result} what="The doctor" route="GET /admin/doctor" />;
  const { checks, summary, status } = result.body;
  const problems = checks.filter((check) => check.status !== 'ok');
  const scope = full
    ? 'full check: settings, config, sources, schedules, Gotipath, public sites, key URLs'
    : 'quick check: settings, config, sources, schedules';
  return (
    <section class={`notice ${NOTICE[status]}`} role={status === 'error' ? 'alert' : 'status'} aria-label="Doctor">
      <strong>
        Doctor:{' '}
        {problems.length === 0
          ? `all ${checks.length} checks ok`
          : `${plural(summary.error, 'error')}, ${plural(summary.warning, 'warning')}`}
      </strong>{' '}
      <span class="muted">({scope})</span>
      {problems.length > 0 && (
        <ul>
          {problems.map((p) => (
            <li>
              <Badge value={p.status} /> <strong>{p.subject}</strong>: {p.message}
              {p.fix && <div class="muted">→ {p.fix}</div>}
            </li>
          ))}
        </ul>
      )}
      {!full && (
        <form method="post" action="/admin/ui/doctor">
          <CsrfField c={c} />
          <button class="secondary">Run the full check</button>{' '}
          <span class="muted">asks Gotipath for each distribution (one call each) and fetches your sites and key URLs</span>
        </form>
      )}
    </section>
  );
}
