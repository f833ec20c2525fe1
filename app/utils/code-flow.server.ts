import { createCookie, type AppLoadContext } from '@remix-run/node';
import type { OneTimeCodePurpose } from '#services/auth/one-time-codes';
import { CODE_TTL_MS } from '#services/auth/one-time-codes';
import { TRACK_GRANT_MS } from '#services/applications/track';

export { completeSignUp, pendingSignUp, startSignUp } from '#services/auth/accounts';
export { completePasswordReset, resetPending, startPasswordReset } from '#services/auth/password-reset';
export { proveTracking, startTracking, trackedApplication } from '#services/applications/track';

/** Where each flow's pages live: its cookie is sent there only. */
const PATHS: Record<OneTimeCodePurpose, string> = { signup: '/signup', reset: '/forgot-password', track: '/track' };

/**
 * Carries only the signed random token of a one-time-code flow (decision 0024): the pending
 * sign-up, reset or lookup itself is a server-side row. One cookie per purpose, sent only to that
 * flow's pages, living as long as the flow can (the lookup's grant outlives its code).
 */
function flowCookie(context: AppLoadContext, purpose: OneTimeCodePurpose) {
  return createCookie(`__code_${purpose}`, {
    path: PATHS[purpose],
    httpOnly: true,
    sameSite: 'lax',
    secure: context.production,
    secrets: [context.sessionSecret],
    maxAge: (purpose === 'track' ? CODE_TTL_MS + TRACK_GRANT_MS : CODE_TTL_MS) / 1000,
  });
}

export async function flowToken(request: Request, context: AppLoadContext, purpose: OneTimeCodePurpose): Promise<string | null> {
  const value = await flowCookie(context, purpose).parse(request.headers.get('Cookie'));
  return typeof value === 'string' ? value : null;
}

export function setFlowCookie(context: AppLoadContext, purpose: OneTimeCodePurpose, token: string): Promise<string> {
  return flowCookie(context, purpose).serialize(token);
}

export function clearFlowCookie(context: AppLoadContext, purpose: OneTimeCodePurpose): Promise<string> {
  return flowCookie(context, purpose).serialize('', { maxAge: 0 });
}

/**
 * Why a code flow ended, for the page the person lands on next (the form that starts the flow
 * again). A flow that is gone cannot re-render its own code page (its loader sends the visitor
 * back to the start), so the ending's message travels in a short-lived signed cookie: it shows
 * without JavaScript, on the page where the next step is. Only these keys are ever carried.
 */
export const CODE_NOTICES = ['code.expired', 'account.exists'] as const;
export type CodeNotice = (typeof CODE_NOTICES)[number];
const isCodeNotice = (v: unknown): v is CodeNotice => (CODE_NOTICES as readonly unknown[]).includes(v);

function noticeCookie(context: AppLoadContext, purpose: OneTimeCodePurpose) {
  return createCookie(`__code_notice_${purpose}`, {
    path: PATHS[purpose],
    httpOnly: true,
    sameSite: 'lax',
    secure: context.production,
    secrets: [context.sessionSecret],
    maxAge: 5 * 60,
  });
}

/** A DomainError code that ends the flow, as a notice for the next page; null for any other. */
export function endingNotice(code: string): CodeNotice | null {
  return isCodeNotice(code) ? code : null;
}

/** The Set-Cookie headers for leaving a flow that ended: its token cleared, its notice set. */
export async function endFlowWithNotice(context: AppLoadContext, purpose: OneTimeCodePurpose, notice: CodeNotice): Promise<Headers> {
  const headers = new Headers();
  headers.append('Set-Cookie', await clearFlowCookie(context, purpose));
  headers.append('Set-Cookie', await noticeCookie(context, purpose).serialize(notice));
  return headers;
}

/** The notice waiting for this flow's start page, once: the cookie that clears it comes with it. */
export async function takeCodeNotice(request: Request, context: AppLoadContext, purpose: OneTimeCodePurpose): Promise<{ notice: CodeNotice | null; headers: Headers }> {
  const headers = new Headers();
  const value: unknown = await noticeCookie(context, purpose).parse(request.headers.get('Cookie'));
  if (value === null || value === undefined) return { notice: null, headers };
  headers.append('Set-Cookie', await noticeCookie(context, purpose).serialize('', { maxAge: 0 }));
  return { notice: isCodeNotice(value) ? value : null, headers };
}
