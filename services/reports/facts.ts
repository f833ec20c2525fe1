import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications, appointments, notices, offices, paymentOrders, waitingIntervals, type CompletionDelivery, type NoticeItem } from '../../db/schema/index.js';
import { chinaDate, forElapsedStatistics, loadCalendar, workingDaysBetween } from '../calendar/working-days.js';
import { commitmentOf } from '../catalog/types.js';
import { definitionOfApplication } from '../catalog/item-versions.js';
import { DECIDED_STATUSES } from './counters.js';
import type { ReportFacts, VisitFacts } from './mapping.js';

export type StatusChangeApp = {
  id: string;
  serviceCode: string;
  department: string;
  dueDate: string | null;
  /** As written by the change (changeStatus returns them); needed for decided statuses. */
  submittedAt?: Date | null;
  decidedAt?: Date | null;
};

/** Status changes the reports count (mapping.ts); the others carry no facts. */
const COUNTED = ['accepted', 'needs_supplement', 'completed', 'not_accepted', 'refused', 'withdrawn'];

/**
 * What a status change's audit row carries for the reports (ReportFacts), read in the change's
 * own transaction: plain reads of the application's own notices, waiting intervals and the
 * calendar, no report row and no shared row locked (docs/decisions/0025). `db` is the root
 * handle (`ctx.db`), which owns the reference cache the calendar comes from; `tx` reads.
 */
export async function statusChangeFacts(
  { db, tx }: { db: Db; tx: Db },
  at: Date,
  app: StatusChangeApp,
  to: string,
  opts: { override?: boolean; noticeId?: string | null; delivery?: CompletionDelivery | null } = {},
): Promise<ReportFacts | null> {
  if (!COUNTED.includes(to)) return null;
  const facts: ReportFacts = { serviceCode: app.serviceCode, department: app.department };
  if (to === 'needs_supplement') {
    facts.override = !!opts.override;
    const [notice] = opts.noticeId
      ? await tx.select({ items: notices.items, issueDate: notices.issueDate }).from(notices).where(eq(notices.id, opts.noticeId))
      : [];
    if (notice) facts.listed = { issueDate: notice.issueDate, materials: (notice.items as NoticeItem[]).map((i) => i.materialCode) };
  }
  if (to === 'completed') {
    const [n] = await tx.select({ n: count() }).from(notices).where(eq(notices.applicationId, app.id));
    facts.dueDate = app.dueDate;
    facts.notices = Number(n.n);
    facts.visits = await visitFacts({ db, tx }, app.id, opts.delivery ?? 'pickup');
  }
  if ((DECIDED_STATUSES as readonly string[]).includes(to)) Object.assign(facts, await processingDays({ db, tx }, app, at));
  return facts;
}

/** Processing time of an application being decided now, in working days (see DECIDED_STATUSES). */
async function processingDays({ db, tx }: { db: Db; tx: Db }, app: StatusChangeApp, at: Date): Promise<{ totalDays: number; waitingDays: number }> {
  const { submittedAt, decidedAt } = app;
  const decided = chinaDate(decidedAt ?? at);
  const waits = await tx
    .select({ startedAt: waitingIntervals.startedAt, endedAt: waitingIntervals.endedAt })
    .from(waitingIntervals)
    .where(eq(waitingIntervals.applicationId, app.id));
  // Around the receipt day: the calendar loaded covers the year before it and two after.
  const cal = forElapsedStatistics(await loadCalendar(db, submittedAt ? chinaDate(submittedAt) : decided, tx));
  const totalDays = submittedAt ? workingDaysBetween(chinaDate(submittedAt), decided, cal) : 0;
  const waitingDays = waits.reduce((s, w) => s + workingDaysBetween(chinaDate(w.startedAt), w.endedAt ? chinaDate(w.endedAt) : decided, cal), 0);
  return { totalDays, waitingDays };
}

/**
 * What happened on the way to a completion that the visit count reads (VisitFacts, decision 0038):
 * plain reads of the application's own appointments and payment order, and the item as the
 * version it was filed under states it (its on-site step and fee for these answers).
 */
async function visitFacts({ db, tx }: { db: Db; tx: Db }, applicationId: string, delivery: CompletionDelivery): Promise<VisitFacts> {
  const [row] = await tx
    .select({ serviceCode: applications.serviceCode, itemVersionId: applications.itemVersionId, answers: applications.answers, officeCity: offices.cityCode })
    .from(applications)
    .leftJoin(offices, eq(offices.code, applications.officeCode))
    .where(eq(applications.id, applicationId));
  const def = row ? (await definitionOfApplication(db, row, tx))?.def : undefined;
  const [kept] = await tx
    .select({ n: count() })
    .from(appointments)
    .where(and(eq(appointments.applicationId, applicationId), eq(appointments.status, 'kept')));
  const [paid] = await tx
    .select({ n: count() })
    .from(paymentOrders)
    .where(and(eq(paymentOrders.applicationId, applicationId), eq(paymentOrders.status, 'paid')));
  const answers = (row?.answers ?? {}) as Record<string, unknown>;
  return {
    kept: Number(kept.n),
    onSiteStep: def ? commitmentOf(def, answers as never, { officeProvince: row?.officeCity ? row.officeCity.slice(0, 2) : null }).visits === 1 : false,
    result: delivery === 'mail' ? 'post' : delivery,
    fee: def ? def.fee.lines(answers as never).some((l) => l.amount > 0) : false,
    paidOnline: Number(paid.n) > 0,
    suppliedOnSite: 0,
  };
}
