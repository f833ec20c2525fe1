import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, offices, users } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import { chinaDate } from '../calendar/working-days.js';
import { enqueueMessage } from '../notifications/outbox.js';
import { lockApplication } from '../review/access.js';
import { provinceOfCity } from '../offices/offices.js';
import { DUE, duringOfficeHours, forEachDue, systemContext, type ClockContext } from './due.js';

/** Statuses in which the office holds the application and its committed time runs. */
const WITH_THE_OFFICE = ['submitted', 'under_review', 'supplemented', 'accepted'] as const;

/**
 * Who hears that an office let a committed due date pass: its managers (所长), or, for an office
 * without one, the managers over its city, or, where the city has none either, those over its
 * province (decision 0040).
 */
async function officeAlertRecipients(tx: Db, officeCode: string): Promise<string[]> {
  const live = and(eq(users.role, 'manager'), isNull(users.disabledAt));
  const own = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(live, eq(users.managerScope, 'office'), eq(users.officeCode, officeCode)))
    .orderBy(asc(users.id));
  if (own.length > 0) return own.map((u) => u.id);
  const city = await tx
    .select({ id: users.id })
    .from(users)
    .innerJoin(offices, eq(offices.code, users.officeCode))
    .where(and(live, eq(users.managerScope, 'city'), eq(offices.cityCode, sql`(select city_code from offices where code = ${officeCode})`)))
    .orderBy(asc(users.id));
  if (city.length > 0) return city.map((u) => u.id);
  const province = await tx
    .select({ id: users.id })
    .from(users)
    .innerJoin(offices, eq(offices.code, users.officeCode))
    .where(
      and(
        live,
        eq(users.managerScope, 'province'),
        sql`${provinceOfCity(offices.cityCode)} = (select ${provinceOfCity(sql`o.city_code`)} from ${offices} o where o.code = ${officeCode})`,
      ),
    )
    .orderBy(asc(users.id));
  return province.map((u) => u.id);
}

/**
 * Flags applications whose committed due date has passed (from the day after, China date) while
 * the office holds them, and alerts the office once per due date: an audit row and an SMS to each
 * manager, sent from office hours. A supplement sets a new due date, which can pass again.
 * Locked and rechecked, so two sweeps flag and alert once. Returns the numbers flagged.
 */
export async function flagOverdue(ctx: ClockContext): Promise<string[]> {
  const sys = systemContext(ctx);
  const now = ctx.clock.now();
  const today = chinaDate(now);
  const due = await DUE.overdue(ctx.db, today);
  return forEachDue(due, (id) =>
    ctx.db.transaction(async (tx) => {
      const app = await lockApplication(tx, id);
      const dueDate = app.dueDate;
      if (!(WITH_THE_OFFICE as readonly string[]).includes(app.status) || !dueDate || dueDate >= today || app.overdueFlaggedDue === dueDate) return null;
      await tx
        .update(applications)
        .set({ overdueFlaggedDue: dueDate, version: sql`${applications.version} + 1` })
        .where(eq(applications.id, id));
      await recordAudit(tx, sys, { applicationId: id, action: 'application.overdue', officeCode: app.officeCode, data: { dueDate } });
      if (app.officeCode) {
        for (const managerId of await officeAlertRecipients(tx, app.officeCode)) {
          await enqueueMessage(tx, {
            applicationId: id,
            userId: managerId,
            channel: 'sms',
            template: 'overdueAlert',
            params: { applicationNumber: app.number, dueDate, officeCode: app.officeCode },
            idempotencyKey: `overdueAlert:${id}:${dueDate}:${managerId}`,
            createdAt: now,
            notBefore: duringOfficeHours(now, today),
          });
        }
      }
      return app.number;
    }),
  );
}
