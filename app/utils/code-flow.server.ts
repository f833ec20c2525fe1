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
