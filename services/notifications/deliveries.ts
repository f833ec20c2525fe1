import { and, asc, eq } from 'drizzle-orm';
import { messages, type MessageStatus } from '../../db/schema/index.js';
import type { ServiceContext } from '../context.js';
import { applicationInScope } from '../review/access.js';

export type DeliveryView = {
  id: string;
  template: string;
  channel: 'sms' | 'email';
  status: MessageStatus;
  attempts: number;
  createdAt: string;
  /** When the next attempt is due, while pending. */
  nextAttemptAt: string | null;
  sentAt: string | null;
  /** errors: key of the last failure (integration.unavailable, …), or null. */
  lastError: string | null;
};

/**
 * Every notification of an application with its delivery status, for staff in scope (404
 * otherwise): what the citizen was told and whether it reached them, dead letters included.
 * Addresses are not shown: the desk needs the fact of delivery, not the number.
 */
export async function applicationDeliveries(ctx: ServiceContext, number: string): Promise<DeliveryView[]> {
  const { app } = await applicationInScope(ctx.db, ctx, number, 'queue:read');
  // The citizen's messages: an application's alerts to the office (overdueAlert) are not what the citizen was told.
  const rows = await ctx.db
    .select()
    .from(messages)
    .where(and(eq(messages.applicationId, app.id), eq(messages.userId, app.applicantId)))
    .orderBy(asc(messages.createdAt));
  return rows.map((m) => ({
    id: m.id,
    template: m.template,
    channel: m.channel,
    status: m.status,
    attempts: m.attempts,
    createdAt: m.createdAt.toISOString(),
    nextAttemptAt: m.status === 'pending' ? m.nextAttemptAt.toISOString() : null,
    sentAt: m.sentAt?.toISOString() ?? null,
    lastError: m.lastError,
  }));
}
