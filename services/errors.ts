/**
 * The one error type of the domain layer. `code` is also the i18n key under the `errors`
 * namespace, so every failure has a localized message; `status` is the HTTP status a route
 * answers with. Anything that is not a DomainError is a bug and becomes a 500. The one 5xx is
 * 503, for a system around the portal that did not answer (docs/decisions/0008): not the user's
 * fault, and "try again later" is the truthful message.
 */
export type DomainErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export class DomainError extends Error {
  readonly code: string;
  readonly status: DomainErrorStatus;
  /** Interpolation values for the message, and per-field details for forms. */
  readonly params: Record<string, string | number>;
  readonly fieldErrors: Record<string, string[]>;

  constructor(
    code: string,
    status: DomainErrorStatus,
    opts: { params?: Record<string, string | number>; fieldErrors?: Record<string, string[]> } = {},
  ) {
    super(code);
    this.name = 'DomainError';
    this.code = code;
    this.status = status;
    this.params = opts.params ?? {};
    this.fieldErrors = opts.fieldErrors ?? {};
  }
}

export const notFound = (code = 'notFound') => new DomainError(code, 404);
export const forbidden = (code = 'forbidden') => new DomainError(code, 403);
export const conflict = (code: string, params?: Record<string, string | number>) =>
  new DomainError(code, 409, { params });
export const invalid = (code: string, fieldErrors?: Record<string, string[]>, params?: Record<string, string | number>) =>
  new DomainError(code, 400, { fieldErrors, params });

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
