// The relay's one error type: a status, a fixed message safe to show a caller, and the cause kept for logs.

export type RelayErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 500 | 503;

export class RelayError extends Error {
  override readonly name = 'RelayError';
  constructor(
    readonly status: RelayErrorStatus,
    message: string,
    options?: { cause?: unknown; details?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }
  readonly details: unknown;
}

export const badRequest = (message: string, details?: unknown) => new RelayError(400, message, { details });
export const unauthorized = (message: string) => new RelayError(401, message);
export const notFound = (message: string) => new RelayError(404, message);
export const unavailable = (message: string, cause?: unknown) => new RelayError(503, message, { cause });
/** The Worker itself is set up wrongly (a missing secret, say): the operator must act. */
export const misconfigured = (message: string) => new RelayError(500, `Misconfigured relay: ${message}`);
