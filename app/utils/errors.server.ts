import { json } from '@remix-run/node';
import { isDomainError } from '#services/errors';

/** The body of every error response: an i18n code (namespace `errors`) and its parameters. */
export type ErrorPayload = { code: string; params: Record<string, string | number> };

/**
 * Runs a service call and turns a DomainError into a Response carrying its status and code,
 * which the route's ErrorBoundary renders in the user's language. Other errors propagate (500).
 */
export async function orThrowResponse<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isDomainError(e)) throw json<ErrorPayload>({ code: e.code, params: e.params }, { status: e.status });
    throw e;
  }
}

export function notFoundResponse(code = 'notFound', params: Record<string, string | number> = {}) {
  return json<ErrorPayload>({ code, params }, { status: 404 });
}
