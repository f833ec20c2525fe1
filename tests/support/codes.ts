import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages, oneTimeCodes } from '../../db/schema/index.js';
import { completeSignUp, startSignUp } from '../../services/auth/accounts.js';
import { openCodeMessageParams, tokenHashOf } from '../../services/auth/one-time-codes.js';
import type { KeyRing } from '../../services/auth/secret-box.js';
import type { ServiceContext } from '../../services/context.js';
import type { SignupInput } from '../../services/auth/schemas.js';
import type { OneWindowContext } from '../../app/load-context.js';
import { flowToken, takeCodeNotice, type CodeNotice } from '../../app/utils/code-flow.server.js';
import { get, post, run } from './requests.js';

/**
 * The code sent for a flow, as the SMS would carry it: read from the outbox row and opened with
 * the data key, as the worker does. Null when the flow sent no code (an unknown account, a
 * mobile that already has one).
 */
export async function sentCode(db: Db, ring: KeyRing, token: string): Promise<string | null> {
  const [flow] = await db.select({ id: oneTimeCodes.id }).from(oneTimeCodes).where(eq(oneTimeCodes.tokenHash, tokenHashOf(token)));
  if (!flow) return null;
  const [msg] = await db.select({ params: messages.params }).from(messages).where(eq(messages.idempotencyKey, `code:${flow.id}`));
  return msg ? openCodeMessageParams(ring, msg.params).code : null;
}

/** The flow's outbox message (template, recipient), whatever it says. */
export async function flowMessage(db: Db, token: string) {
  const [flow] = await db.select({ id: oneTimeCodes.id }).from(oneTimeCodes).where(eq(oneTimeCodes.tokenHash, tokenHashOf(token)));
  if (!flow) return null;
  const [msg] = await db.select().from(messages).where(eq(messages.idempotencyKey, `code:${flow.id}`));
  return msg ?? null;
}

/** Both steps of a sign-up, entering the code that was sent (for tests about what comes after). */
export async function signUpWithCode(ctx: ServiceContext, input: SignupInput, opts: { locale?: string; ip?: string } = {}): Promise<{ userId: string }> {
  const { token } = await startSignUp(ctx, input, opts);
  const code = await sentCode(ctx.db, ctx.config.dataKeys, token);
  if (!code) throw new Error('no code was sent for this sign-up');
  return completeSignUp(ctx, token, code, opts);
}

/** The signed flow cookie a response set (`__code_<purpose>=…`), ready for a Cookie header; null if none. */
export function flowCookieOf(res: Response, purpose: 'signup' | 'reset' | 'track'): string | null {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith(`__code_${purpose}=`) && !c.endsWith('=')) ?? null;
}

/** The flow token inside a flow cookie, as the routes read it. */
export async function tokenOfCookie(context: OneWindowContext, purpose: 'signup' | 'reset' | 'track', cookie: string): Promise<string | null> {
  return flowToken(get('/', { cookie }), context, purpose);
}

/**
 * A sign-up through both pages, as a browser without JavaScript does it: the form, then the code
 * page with the code that was sent (or, when none was, a code that cannot be right). `first` is
 * the form's answer; `second` the code page's, when the form was accepted.
 */
export async function signupThroughPages(
  context: OneWindowContext,
  fields: Record<string, string>,
  opts: { lng?: string; code?: string } = {},
): Promise<{ first: Response; second: Response | null; cookie: string | null; code: string | null }> {
  const { action: signupAction } = await import('../../app/routes/signup.js');
  const { action: verifyAction } = await import('../../app/routes/signup_.verify.js');
  const first = await run(signupAction as never, post('/signup', fields, { lng: opts.lng }), context);
  const cookie = flowCookieOf(first, 'signup');
  if (first.status !== 302 || !cookie) return { first, second: null, cookie, code: null };
  const token = await tokenOfCookie(context, 'signup', cookie);
  const code = token ? await sentCode(context.db, context.config.dataKeys, token) : null;
  const location = new URL(first.headers.get('Location')!, 'http://localhost:3000');
  const redirectTo = location.searchParams.get('redirectTo');
  // A code that was never sent: any six digits, as someone guessing would type.
  const typed = opts.code ?? code ?? '000000';
  const second = await run(
    verifyAction as never,
    post(`/signup/verify${location.search}`, { code: typed, ...(redirectTo ? { redirectTo } : {}) }, { cookie, lng: opts.lng }),
    context,
  );
  return { first, second, cookie, code };
}

/**
 * The notice an ended flow's answer carries to the next page (`__code_notice_<purpose>`), as that
 * page's loader reads it; null if the answer set none.
 */
export async function codeNoticeOf(context: OneWindowContext, res: Response, purpose: 'signup' | 'reset' | 'track'): Promise<CodeNotice | null> {
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith(`__code_notice_${purpose}=`) && !c.endsWith('='));
  return cookie ? (await takeCodeNotice(get('/', { cookie }), context, purpose)).notice : null;
}
