import { createCookie, type AppLoadContext } from '@remix-run/node';
import { PENDING_LOGIN_MS } from '#services/auth/two-factor';

export { completeSecondFactor, resolvePendingLogin } from '#services/auth/two-factor';

/**
 * Carries only the signed id of a pending (password-checked, code-owed) staff sign-in. It is
 * not a session cookie: nothing but the code page reads it, and it dies with the pending row.
 */
function pendingCookie(context: AppLoadContext) {
  return createCookie('__pending_login', {
    path: '/login',
    httpOnly: true,
    sameSite: 'lax',
    secure: context.production,
    secrets: [context.sessionSecret],
    maxAge: PENDING_LOGIN_MS / 1000,
  });
}

export async function pendingLoginId(request: Request, context: AppLoadContext): Promise<string | null> {
  const value = await pendingCookie(context).parse(request.headers.get('Cookie'));
  return typeof value === 'string' ? value : null;
}

export function setPendingLoginCookie(context: AppLoadContext, id: string): Promise<string> {
  return pendingCookie(context).serialize(id);
}

export function clearPendingLoginCookie(context: AppLoadContext): Promise<string> {
  return pendingCookie(context).serialize('', { maxAge: 0 });
}
