// What the editor's status page shows of an event, pure: each page queued / sent / live (or refused), and an
// estimate while pages wait, from the scheduler's journey rows and its status.
import type { PathJourney } from '../purge/ledger';

export type PageState = 'queued' | 'sent' | 'live' | 'refused';

export interface PageLine {
  path: string;
  kind: string;
  state: PageState;
  /** When it reached its state (ms), when known. */
  at?: number;
}

export interface DistributionFacts {
  name: string;
  journey: PathJourney[];
  health: string;
  /** When the scheduler next sends (ISO), while it has work. */
  nextSendAt?: string;
}

export interface StatusReport {
  pages: PageLine[];
  counts: Record<PageState, number>;
  /** Seconds until the waiting pages are expected to be sent; null while a distribution is on hold. */
  etaSeconds?: number | null;
  done: boolean;
}

const accepted = (s: { step: string; status?: number }) =>
  (s.step === 'call' && s.status !== undefined && s.status >= 200 && s.status < 300) || s.step === 'covered';

/** One page's state from its journey: a fresh check (verification on) makes it live; a 2xx call or a cover, sent. */
export function pageLine(journey: PathJourney): PageLine {
  // `checked` rows come with verification (the ledger's step list may not name them yet): compared as strings.
  const steps = journey.steps.map((s) => ({ ...s, step: s.step as string }));
  const base = { path: journey.path || '(everything)', kind: journey.kind };
  const fresh = steps.find((s) => s.step === 'checked' && s.detail === 'fresh');
  if (fresh) return { ...base, state: 'live', at: fresh.at };
  const dead = steps.find((s) => s.step === 'dead' || s.step === 'dropped');
  if (dead) return { ...base, state: 'refused', at: dead.at };
  const sent = steps.find(accepted);
  if (sent) return { ...base, state: 'sent', at: sent.at };
  return { ...base, state: 'queued', at: steps[0]?.at };
}

/** The page's content for every distribution the event reached. */
export function statusReport(facts: readonly DistributionFacts[], now: number): StatusReport {
  const pages: PageLine[] = [];
  let eta: number | null | undefined;
  for (const d of facts) {
    const lines = d.journey.filter((j) => j.kind !== 'prefetch').map(pageLine);
    pages.push(...lines);
    if (!lines.some((l) => l.state === 'queued')) continue;
    if (d.health === 'unauthorized' || d.health === 'refused') eta = null;
    else if (eta !== null) {
      const at = d.nextSendAt ? Date.parse(d.nextSendAt) : now;
      eta = Math.max(eta ?? 0, Math.ceil(Math.max(0, at - now) / 1000));
    }
  }
  const counts = { queued: 0, sent: 0, live: 0, refused: 0 };
  for (const p of pages) counts[p.state]++;
  return { pages, counts, ...(eta !== undefined && { etaSeconds: eta }), done: counts.queued === 0 };
}
