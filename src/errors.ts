// The relay's one error type: a status, a fixed message safe to show a caller, and the cause kept for logs.
// What only the operator may read (which secret is not set) is `internal`: logged, and shown on the console.

export type RelayErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 503;

export class RelayError extends Error {
  override readonly name = 'RelayError';
  constructor(
    readonly status: RelayErrorStatus,
    message: string,
    options?: { cause?: unknown; details?: unknown; internal?: string; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
    this.internal = options?.internal;
    this.headers = options?.headers;
  }
  /** Headers of the answer (`Retry-After`). */
  readonly headers: Record<string, string> | undefined;
  /** Extra fields of the JSON answer (a config's issues). */
  readonly details: unknown;
  /** For the operator only (the log, the Deliveries page, an authenticated admin call): never to an unauthenticated caller. */
  readonly internal: string | undefined;
}

export const badRequest = (message: string, details?: unknown) => new RelayError(400, message, { details });
export const unauthorized = (message: string) => new RelayError(401, message);
export const notFound = (message: string) => new RelayError(404, message);
/** Too many wrong tokens from one client: wait `seconds` (sent as `Retry-After`). */
export const tooManyFailures = (seconds: number) =>
  new RelayError(429, `too many wrong tokens from this address; try again in ${seconds} s`, {
    headers: { 'Retry-After': String(seconds) },
  });
export const unavailable = (message: string, cause?: unknown) => new RelayError(503, message, { cause });
/** The answer to anyone but the operator when the relay is set up wrongly: it names no setting and no secret. */
export const MISCONFIGURED = "Misconfigured relay: a setting is missing or invalid; the relay's log says which";

/**
 * The Worker itself is set up wrongly (a missing secret, say): the operator must act. The caller gets
 * MISCONFIGURED; `detail` (which setting, which secret name) goes to the log and the operator's views.
 */
export const misconfigured = (detail: string) => new RelayError(500, MISCONFIGURED, { internal: detail });

/** What the operator reads about an error: its message, and its internal detail when it has one. */
export const operatorMessage = (error: RelayError) => (error.internal ? `${error.message}: ${error.internal}` : error.message);
