import { and, eq, inArray, sql } from 'drizzle-orm';
import { messages, users } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { sendEmail } from '../integrations/email.js';
import { isIntegrationError } from '../integrations/http.js';
import { sendSms } from '../integrations/sms-gateway.js';
import { languageOf } from '../locale-text.js';
import { retryDelayMs } from './backoff.js';
import { renderMessage } from './render.js';
import { ownOfficeNames } from '../offices/office-names.js';
import { CODE_TTL_MS, openCodeMessageParams } from '../auth/one-time-codes.js';
import { SecretBoxError } from '../auth/secret-box.js';
import { rowsOf } from '../sql.js';

/** What the worker needs: it acts for the system, not for a person. */
export type WorkerContext = Pick<ServiceContext, 'db' | 'clock' | 'config'>;

type Message = typeof messages.$inferSelect;

/** released: claimed but handed back unsent because the worker was asked to stop. */
export type BatchResult = { claimed: number; sent: number; retrying: number; dead: number; released: number };

export type DeliverOptions = {
  /**
   * Called after the gateway accepted a message and before the outbox records it: the window in
   * which a worker dying would leave a sent message marked 'sending'. Fault-injection tests throw
   * here to simulate that death; nothing else should use it.
   */
  afterSend?: (msg: Message) => void | Promise<void>;
  /**
   * Aborted when the worker is stopping (SIGTERM): the message being sent is finished and
   * recorded, and the rest of the batch is handed back at once, so a stopping worker neither
   * delays its exit by a whole batch of gateway calls nor leaves messages claimed until the
   * visibility timeout runs out.
   */
  signal?: AbortSignal;
};

class PermanentFailure extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/**
 * Claims due messages and delivers them, one batch.
 *
 * Claiming is one short transaction: due 'pending' rows, and 'sending' rows whose claim expired
 * (a worker that died), are locked with FOR UPDATE SKIP LOCKED — so concurrent workers never
 * take the same row — marked 'sending' until now + visibility timeout, and their attempt counted.
 * Delivery happens outside any transaction. Each outcome is written only if the row is still
 * ours (same status and attempt count); if our claim expired and another worker took over, the
 * gateway's idempotency key makes its repeat send a no-op, so a message goes out at most once,
 * and a message is never lost because an unfinished claim always expires.
 */
export async function deliverDueMessages(ctx: WorkerContext, opts: DeliverOptions = {}): Promise<BatchResult> {
  const cfg = ctx.config.integrations.outbox;
  if (opts.signal?.aborted) return { claimed: 0, sent: 0, retrying: 0, dead: 0, released: 0 };
  const now = ctx.clock.now();
  const lockedUntil = new Date(now.getTime() + cfg.visibilityTimeoutMs);
  const claimedIds = rowsOf<{ id: string }>(
    await ctx.db.execute(sql`
      update messages
         set status = 'sending', attempts = attempts + 1,
             locked_until = ${lockedUntil.toISOString()}::timestamptz, last_attempt_at = ${now.toISOString()}::timestamptz
       where id in (
         select id from messages
          where (status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz)
             or (status = 'sending' and locked_until <= ${now.toISOString()}::timestamptz)
          order by next_attempt_at, created_at
          limit ${cfg.batchSize}
          for update skip locked)
      returning id`),
  ).map((r) => r.id);
  const result: BatchResult = { claimed: claimedIds.length, sent: 0, retrying: 0, dead: 0, released: 0 };
  if (claimedIds.length === 0) return result;

  // A message to a mobile that has no account yet (a sign-up's code) has no user row to join.
  const batch = (
    await ctx.db
      .select({ msg: messages, mobile: users.mobile, email: users.email, locale: users.locale })
      .from(messages)
      .leftJoin(users, eq(users.id, messages.userId))
      .where(inArray(messages.id, claimedIds))
  ).map((b) => ({
    ...b,
    mobile: b.msg.toMobile ?? b.mobile,
    locale: b.locale ?? (typeof b.msg.params.locale === 'string' ? b.msg.params.locale : 'zh-CN'),
  }));
  batch.sort((a, b) => a.msg.nextAttemptAt.getTime() - b.msg.nextAttemptAt.getTime());

  for (const [i, { msg, mobile, email, locale }] of batch.entries()) {
    if (opts.signal?.aborted) {
      result.released = await releaseClaims(ctx, batch.slice(i).map((b) => b.msg.id), lockedUntil);
      break;
    }
    const mine = and(eq(messages.id, msg.id), eq(messages.status, 'sending'), eq(messages.attempts, msg.attempts));
    let providerRef: string;
    try {
      providerRef = await send(ctx, msg, { mobile, email, locale });
    } catch (e) {
      const permanent = e instanceof PermanentFailure || (isIntegrationError(e) && e.failure === 'rejected');
      const code = e instanceof PermanentFailure ? e.code : isIntegrationError(e) ? e.code : 'internal';
      if (!isIntegrationError(e) && !(e instanceof PermanentFailure)) {
        // A bug, not the gateway: keep the message for a retry and say so in the log.
        console.warn(`outbox: delivering ${msg.id} failed`, e);
      }
      const dead = permanent || msg.attempts >= cfg.maxAttempts;
      const at = ctx.clock.now();
      await ctx.db
        .update(messages)
        .set(
          dead
            ? { status: 'dead', lastError: code, lockedUntil: null }
            : { status: 'pending', lastError: code, lockedUntil: null, nextAttemptAt: new Date(at.getTime() + retryDelayMs(cfg, msg.attempts)) },
        )
        .where(mine);
      if (dead) result.dead++;
      else result.retrying++;
      continue;
    }
    await opts.afterSend?.(msg);
    await ctx.db
      .update(messages)
      .set({ status: 'sent', sentAt: ctx.clock.now(), providerRef, lastError: null, lockedUntil: null })
      .where(mine);
    result.sent++;
  }
  return result;
}

/**
 * Hands claimed messages back unsent: pending again, due as before, and the attempt the claim
 * counted taken back (none was made). Only rows still under this claim: one whose claim expired
 * and another worker took has a later locked_until.
 */
async function releaseClaims(ctx: WorkerContext, ids: string[], lockedUntil: Date): Promise<number> {
  const released = await ctx.db
    .update(messages)
    .set({ status: 'pending', attempts: sql`${messages.attempts} - 1`, lockedUntil: null })
    .where(and(inArray(messages.id, ids), eq(messages.status, 'sending'), eq(messages.lockedUntil, lockedUntil)))
    .returning({ id: messages.id });
  return released.length;
}

async function send(
  ctx: WorkerContext,
  msg: Message,
  to: { mobile: string | null; email: string | null; locale: string },
): Promise<string> {
  const cfg = ctx.config.integrations;
  // The citizen's language as their account has it now: the language they last chose.
  const lng = languageOf(to.locale);
  // A one-time code is opened only here, for the text; the gateway's params never carry it.
  let opened: ReturnType<typeof openCodeMessageParams>;
  try {
    opened = openCodeMessageParams(ctx.config.dataKeys, msg.params);
  } catch (e) {
    if (e instanceof SecretBoxError) throw new PermanentFailure('notifications.codeUnreadable');
    throw e;
  }
  // A code that can no longer be used is not worth an SMS (the gateway was down past its life).
  if (opened.code !== null && ctx.clock.now().getTime() >= msg.createdAt.getTime() + CODE_TTL_MS) throw new PermanentFailure('notifications.codeExpired');
  // Offices created in the browser are named by their own names (cached reference data).
  const text = renderMessage(msg.template, lng, opened.code === null ? opened.params : { ...opened.params, code: opened.code }, await ownOfficeNames(ctx.db));
  if (!text) throw new PermanentFailure('notifications.unknownTemplate');
  const common = { template: msg.template, locale: lng, params: opened.params, idempotencyKey: msg.idempotencyKey };
  if (msg.channel === 'email') {
    if (!to.email) throw new PermanentFailure('notifications.noAddress');
    return (await sendEmail(cfg, { ...common, to: to.email, subject: text.emailSubject, text: text.emailBody })).id;
  }
  if (!to.mobile) throw new PermanentFailure('notifications.noAddress');
  return (await sendSms(cfg, { ...common, to: to.mobile, text: text.sms })).messageId;
}
