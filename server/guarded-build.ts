import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type ServerBuild } from '@remix-run/node';
import type { ErrorPayload } from '~/utils/errors.server';
import { FORM_BODY_LIMIT, MULTIPART_OVERHEAD, bodyGuardOf, type BodyGuard } from './body-limit.js';
import { dataExceptionCode, isDatabaseUnavailable, isFailedQuery, loggable } from '../db/failures.js';

/**
 * The server build with every route's loader and action wrapped once, here, so that no route
 * has to remember what only the edge can judge:
 *
 * - a body cut off at the edge's limit answers 413, whatever the route made of the error it saw
 *   while reading (the route may well have called it a 400);
 * - the database being unreachable answers 503 "briefly unavailable, try again" (server/app.ts
 *   adds Retry-After), not a 500;
 * - a value the database refused as data (SQLSTATE class 22) answers 400, logged as a warning:
 *   the routes' input checks should have caught it.
 *
 * The answers are thrown Responses carrying an `errors` code, as every route's own refusals are,
 * so pages show the root error boundary in the reader's language and `?_data` requests get the
 * code as JSON. Anything else passes through untouched.
 */
export function guardBuild(build: ServerBuild): ServerBuild {
  const routes: ServerBuild['routes'] = {};
  for (const [id, route] of Object.entries(build.routes)) {
    const module = { ...route.module };
    const { loader, action } = route.module;
    if (loader) module.loader = (args: LoaderFunctionArgs) => guarded(id, 'loader', args, () => loader(args));
    if (action) module.action = (args: ActionFunctionArgs) => guarded(id, 'action', args, () => action(args));
    // A POST to a page without a form: Remix's own 405 would carry its internal message (the
    // route's id) into the page data and log a stack; ours is the localized code, like any refusal.
    else module.action = () => Promise.reject(json<ErrorPayload>({ code: 'methodNotAllowed', params: {} }, { status: 405 }));
    routes[id] = { ...route, module };
  }
  return { ...build, routes };
}

async function guarded<T>(routeId: string, kind: 'loader' | 'action', args: LoaderFunctionArgs, run: () => T | Promise<T>): Promise<T> {
  const body = kind === 'action' ? bodyGuardOf(args.context) : undefined;
  // Refused by its Content-Length: the action does not run at all.
  if (body?.exceeded) throw tooLarge(body);
  let result: T;
  try {
    result = await run();
  } catch (e) {
    if (body?.exceeded) throw tooLarge(body);
    if (e instanceof Response) throw e;
    if (isDatabaseUnavailable(e)) {
      console.warn(`503 ${args.request.method} ${routeId} ${kind}: database unavailable (${describe(e)})`);
      throw json<ErrorPayload>({ code: 'unavailable', params: {} }, { status: 503 });
    }
    const sqlstate = dataExceptionCode(e);
    if (sqlstate) {
      console.warn(`400 ${args.request.method} ${routeId} ${kind}: the database refused a value (SQLSTATE ${sqlstate}); an input check is missing`);
      throw json<ErrorPayload>({ code: 'badRequest', params: {} }, { status: 400 });
    }
    if (isFailedQuery(e)) {
      // A bug, and a 500; but Remix would log drizzle's error whole, with what the user typed and
      // the session id among its parameters. Log it without them, and pass on an error that has none.
      console.error(`500 ${args.request.method} ${routeId} ${kind}: ${loggable(e)}`);
      throw new Error(`a database query failed in ${routeId} ${kind} (logged above without its parameters)`);
    }
    throw e;
  }
  if (body?.exceeded) throw tooLarge(body);
  return result;
}

function tooLarge(body: BodyGuard): Response {
  // The limit in the reader's terms: KB of form for forms; for uploads, the MB of files the
  // upload page itself promises (the overhead allowance is ours, not theirs).
  const payload: ErrorPayload =
    body.limit <= FORM_BODY_LIMIT
      ? { code: 'formTooLarge', params: { max: Math.round(body.limit / 1024) } }
      : { code: 'upload.requestTooLarge', params: { max: Math.round((body.limit - MULTIPART_OVERHEAD) / (1024 * 1024)) } };
  return json<ErrorPayload>(payload, { status: 413 });
}

/** The innermost message of the chain: the driver's words, never drizzle's (which carry the SQL and what the user typed). */
function describe(e: unknown): string {
  let inner = e;
  while (inner instanceof Error && inner.cause !== undefined) inner = inner.cause;
  const code = typeof inner === 'object' && inner !== null && 'code' in inner ? ` ${String((inner as { code: unknown }).code)}` : '';
  return `${inner instanceof Error ? inner.message : String(inner)}${code}`;
}
