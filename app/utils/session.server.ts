import { createCookie, json, redirect, type AppLoadContext } from '@remix-run/node';
import { createSession, resolveSession, revokeSession } from '#services/auth/sessions';
import type { Actor, Role, ServiceContext, UserActor } from '#services/context';
import type { ErrorPayload } from '~/utils/errors.server';

function sessionCookie(context: AppLoadContext) {
  return createCookie('__session', {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: context.production,
    secrets: [context.sessionSecret],
    // No maxAge: the server-side row decides expiry; the cookie dies with the browser.
  });
}

async function sessionId(request: Request, context: AppLoadContext): Promise<string | null> {
  const value = await sessionCookie(context).parse(request.headers.get('Cookie'));
  return typeof value === 'string' ? value : null;
}

/**
 * Per-request memo so the root loader, the page's loader and their helpers resolve the session
 * once: on the context the server made for this request (context.perRequest), else on the Request.
 */
const actorCache = new WeakMap<Request, Promise<Actor>>();

export function getActor(request: Request, context: AppLoadContext): Promise<Actor> {
  const memo = context.perRequest;
  let p = memo ? memo.actor : actorCache.get(request);
  if (!p) {
    p = sessionId(request, context).then((id) => resolveSession(context.db, context.clock, id));
    if (memo) memo.actor = p;
    else actorCache.set(request, p);
  }
  return p;
}

export async function serviceContext(request: Request, context: AppLoadContext): Promise<ServiceContext> {
  return { db: context.db, clock: context.clock, config: context.config, actor: await getActor(request, context) };
}

function loginRedirect(request: Request): never {
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  throw redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
}

/**
 * Route-level guard (the second layer: services authorize again). Anonymous users go to the
 * login page; signed-in users of another role get 403.
 */
export async function requireUser(
  request: Request,
  context: AppLoadContext,
  roles?: readonly Role[],
): Promise<ServiceContext & { actor: UserActor }> {
  const ctx = await serviceContext(request, context);
  if (ctx.actor.kind !== 'user') loginRedirect(request);
  if (roles && !roles.includes(ctx.actor.role)) {
    // The error code every refusal carries, so pages and `?_data` answers say it in the reader's language.
    throw json<ErrorPayload>({ code: 'forbidden', params: {} }, { status: 403 });
  }
  return ctx as ServiceContext & { actor: UserActor };
}

/** Starts a fresh session (rotating any old one) and returns the Set-Cookie header. */
export async function startSession(request: Request, context: AppLoadContext, userId: string): Promise<string> {
  const old = await sessionId(request, context);
  if (old) await revokeSession(context.db, context.clock, old);
  const id = await createSession(context.db, context.clock, userId);
  return sessionCookie(context).serialize(id);
}

export async function endSession(request: Request, context: AppLoadContext): Promise<string> {
  const id = await sessionId(request, context);
  if (id) await revokeSession(context.db, context.clock, id);
  return sessionCookie(context).serialize('', { maxAge: 0 });
}

const SELF = 'http://onewindow.invalid';

/**
 * Only same-site relative paths, so ?redirectTo cannot send people elsewhere, and always one
 * that a Location header can carry: the path is returned as the URL parser serializes it, so
 * non-Latin-1 characters (which would make building the header throw after the session row was
 * created, leaving the browser without its cookie) arrive percent-encoded.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/'): string {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback;
  // Browsers drop tabs and newlines from URLs ('/\t/evil' becomes '//evil') and read '\' as '/'.
  if (/[\u0000-\u001f\u007f\\]/.test(to) || to.length > 2048) return fallback;
  let url: URL;
  try {
    url = new URL(to, SELF);
  } catch {
    return fallback;
  }
  const path = url.pathname + url.search + url.hash;
  // The parser resolves dot segments: '/.//evil.com' becomes '//evil.com', another host to a browser.
  if (url.origin !== SELF || !path.startsWith('/') || path.startsWith('//') || !/^[\x21-\x7e]*$/.test(path)) return fallback;
  return path;
}
