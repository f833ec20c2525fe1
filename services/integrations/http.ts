import type { z } from 'zod';
import { DomainError } from '../errors.js';
import type { EndpointConfig, SystemName } from './config.js';

/**
 * Why a call to another system failed. `timeout` and `unavailable` (network error, 5xx, 429)
 * are worth retrying later; `malformed` (the answer did not match its schema) and `rejected`
 * (any other 4xx: our request was wrong) are not.
 */
export type IntegrationFailure = 'timeout' | 'unavailable' | 'malformed' | 'rejected';

/**
 * A failed call to a system around the portal. Its code (errors:integration.<failure>) is a
 * "try again later" message in the user's language; it answers 503 because the user did
 * nothing wrong.
 */
export class IntegrationError extends DomainError {
  readonly system: SystemName;
  readonly failure: IntegrationFailure;
  readonly retryable: boolean;

  constructor(system: SystemName, failure: IntegrationFailure, detail?: string) {
    super(`integration.${failure}`, 503, { params: { system } });
    this.name = 'IntegrationError';
    this.system = system;
    this.failure = failure;
    this.retryable = failure === 'timeout' || failure === 'unavailable';
    if (detail) this.message = `${system}: ${failure} (${detail})`;
  }
}

export function isIntegrationError(e: unknown): e is IntegrationError {
  return e instanceof IntegrationError;
}

export type JsonRequest = {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Safe to repeat: a read, or a write carrying an idempotency key. Only these are retried
   * within the call; anything else fails on the first error.
   */
  idempotent: boolean;
  /** Statuses that mean "no such record" for this call: answered as null, not an error. */
  notFoundStatuses?: readonly number[];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One JSON call with a timeout per attempt, retries with exponential backoff (and jitter) for
 * idempotent calls, and every answer validated by `schema`. Returns null for a not-found status;
 * throws IntegrationError otherwise.
 */
export async function callJson<S extends z.ZodTypeAny>(
  system: SystemName,
  endpoint: EndpointConfig,
  req: JsonRequest,
  schema: S,
): Promise<z.infer<S> | null> {
  const attempts = req.idempotent ? 1 + endpoint.retries : 1;
  let last: IntegrationError | null = null;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await sleep(endpoint.backoffMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
    try {
      return await attemptOnce(system, endpoint, req, schema);
    } catch (e) {
      if (!(e instanceof IntegrationError) || !e.retryable) throw e;
      last = e;
    }
  }
  throw last ?? new IntegrationError(system, 'unavailable');
}

async function attemptOnce<S extends z.ZodTypeAny>(
  system: SystemName,
  endpoint: EndpointConfig,
  req: JsonRequest,
  schema: S,
): Promise<z.infer<S> | null> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  if (endpoint.apiKey) headers.authorization = `Bearer ${endpoint.apiKey}`;
  let res: Response;
  let text: string;
  try {
    // The timeout covers the body too: a server that sends headers and then stalls is as slow as one that never answers.
    const signal = AbortSignal.timeout(endpoint.timeoutMs);
    res = await fetch(`${endpoint.baseUrl}${req.path}`, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal,
    });
    text = await res.text();
  } catch (e) {
    const name = (e as { name?: string }).name;
    throw new IntegrationError(system, name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unavailable', String(e));
  }
  if (req.notFoundStatuses?.includes(res.status)) return null;
  if (res.status >= 500 || res.status === 429 || res.status === 408) throw new IntegrationError(system, 'unavailable', `HTTP ${res.status}`);
  if (!res.ok) throw new IntegrationError(system, 'rejected', `HTTP ${res.status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new IntegrationError(system, 'malformed', 'not JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new IntegrationError(system, 'malformed', parsed.error.issues.map((i) => i.path.join('.')).join(','));
  return parsed.data;
}
