// The verdict on one page, from what the origin and the edge answered: pure, no I/O (probe.ts fetches).

export type Verdict = 'fresh' | 'stale' | 'gone' | 'unknown';
export type Validator = 'etag' | 'last-modified' | 'digest' | 'marker';
/** `auto`: the first the origin gives of ETag, Last-Modified, a digest of the body. */
export type ValidatorChoice = 'auto' | Exclude<Validator, 'marker'>;

/** One answer as seen: its status and validators (no body, no secret header). */
export interface Seen {
  url: string;
  status: number;
  etag?: string;
  lastModified?: string;
  /** SHA-256 of the body read (hex), up to the probe's byte limit. */
  digest?: string;
  /** The `Age` header, in seconds. */
  age?: number;
  /** The edge's cache status header (`X-Cache`, `CF-Cache-Status`, `Cache-Status`...). */
  cacheStatus?: string;
  /** Whether the event's marker appears in a header value or the body (set only when a marker was sought). */
  marker?: boolean;
  /** Why no answer came (timeout, connection refused, a host not in the config). */
  error?: string;
}

export interface CheckEvidence {
  /** A fixed code (REASONS below says each in plain words). */
  reason: Reason;
  validator?: Validator;
  origin?: Seen;
  edge?: Seen;
}

export interface PageCheck {
  verdict: Verdict;
  evidence: CheckEvidence;
}

/** Every reason a check gives, in plain words (the admin API and the console show them). */
export const REASONS = {
  'edge-matches-origin': 'the edge serves what the origin serves',
  'edge-differs': 'the edge still serves another version than the origin',
  'marker-on-edge': "the edge serves the event's marker",
  'marker-missing-on-edge': "the origin serves the event's marker but the edge does not",
  'marker-missing-at-origin': "the origin does not serve the event's marker yet: the origin still serves the old version",
  removed: 'the origin and the edge both answer that the page is gone',
  'removed-but-edge-serves': 'the origin answers that the page is gone but the edge still serves it',
  'edge-serves-error-page': 'the origin serves the page but the edge answers with an error it cached',
  'origin-redirects': 'the origin answers with a redirect (redirects are never followed): no page to compare',
  'edge-redirects': 'the edge answers with a redirect (redirects are never followed): no page to compare',
  'origin-error': 'the origin gave no usable answer',
  'edge-error': 'the edge gave no usable answer',
  'not-comparable': 'the answers carry nothing to compare',
} as const;
export type Reason = keyof typeof REASONS;

export interface JudgeOptions {
  validator: ValidatorChoice;
  /** The event's marker, rendered at enqueue; empty or absent: the validator decides. */
  marker?: string;
}

const GONE = new Set([404, 410]);
const ok = (s: Seen) => s.status >= 200 && s.status < 300;
const failed = (s: Seen) => s.error !== undefined || s.status === 0;

/** RFC 9110 §8.8.3.2 weak comparison: a CDN that compresses may weaken a strong tag (`W/"x"` equals `"x"`). */
export const sameEtag = (a: string, b: string) => a.replace(/^W\//, '') === b.replace(/^W\//, '');
const sameDate = (a: string, b: string) => Date.parse(a) === Date.parse(b) && !Number.isNaN(Date.parse(a));

type Compared = { validator: Validator; same: boolean } | undefined;

/** Compares by one validator; undefined when the origin's answer does not carry it. */
function compareBy(validator: Exclude<Validator, 'marker'>, origin: Seen, edge: Seen): Compared {
  if (validator === 'etag' && origin.etag) return { validator, same: !!edge.etag && sameEtag(origin.etag, edge.etag) };
  if (validator === 'last-modified' && origin.lastModified)
    return { validator, same: !!edge.lastModified && sameDate(origin.lastModified, edge.lastModified) };
  if (validator === 'digest' && origin.digest) return { validator, same: origin.digest === edge.digest };
  return undefined;
}

/** `auto` tries ETag, then Last-Modified (each only when both answers carry it), then the digest. */
function compare(choice: ValidatorChoice, origin: Seen, edge: Seen): Compared {
  if (choice !== 'auto') return compareBy(choice, origin, edge);
  if (origin.etag && edge.etag) return compareBy('etag', origin, edge);
  if (origin.lastModified && edge.lastModified) return compareBy('last-modified', origin, edge);
  return compareBy('digest', origin, edge) ?? compareBy('etag', origin, edge) ?? compareBy('last-modified', origin, edge);
}

const check = (verdict: Verdict, reason: Reason, origin: Seen, edge: Seen, validator?: Validator): PageCheck => ({
  verdict,
  evidence: { reason, ...(validator && { validator }), origin, edge },
});

/**
 * Judges one page. Removal first (404/410 at the origin), then errors (nothing is judged on a failed answer),
 * then the marker when the event gave one, then the validator.
 */
export function judge(origin: Seen, edge: Seen, options: JudgeOptions): PageCheck {
  if (failed(origin)) return check('unknown', 'origin-error', origin, edge);
  if (GONE.has(origin.status)) {
    if (failed(edge)) return check('unknown', 'edge-error', origin, edge);
    return GONE.has(edge.status)
      ? check('gone', 'removed', origin, edge)
      : check('stale', 'removed-but-edge-serves', origin, edge);
  }
  const redirect = (s: Seen) => s.status >= 300 && s.status < 400;
  if (redirect(origin)) return check('unknown', 'origin-redirects', origin, edge);
  // A 5xx or any other answer but a page at the origin: there is nothing to compare the edge with.
  if (!ok(origin)) return check('unknown', 'origin-error', origin, edge);
  if (failed(edge) || edge.status >= 500 || edge.status === 429) return check('unknown', 'edge-error', origin, edge);
  if (redirect(edge)) return check('unknown', 'edge-redirects', origin, edge);
  if (!ok(edge)) return check('stale', 'edge-serves-error-page', origin, edge);
  if (options.marker) {
    if (!origin.marker) return check('stale', 'marker-missing-at-origin', origin, edge, 'marker');
    return edge.marker
      ? check('fresh', 'marker-on-edge', origin, edge, 'marker')
      : check('stale', 'marker-missing-on-edge', origin, edge, 'marker');
  }
  const compared = compare(options.validator, origin, edge);
  if (!compared) return check('unknown', 'not-comparable', origin, edge);
  return compared.same
    ? check('fresh', 'edge-matches-origin', origin, edge, compared.validator)
    : check('stale', 'edge-differs', origin, edge, compared.validator);
}
