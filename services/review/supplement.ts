import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { notices, queueItems, users, waitingIntervals } from '../../db/schema/index.js';
import { materialField } from '../applications/apply-input.js';
import { fieldError, mib, refuseUploadProblems } from '../files/upload-problems.js';
import { withBlobCleanup } from '../applications/drafts.js';
import { recordAudit } from '../audit.js';
import { addWorkingDays, chinaDate, committedDueDate, isUnknown, loadCalendar, orUnknown } from '../calendar/working-days.js';
import { commitmentOf, getService, type FileKind } from '../catalog/index.js';
import { definitionOfApplication } from '../catalog/item-versions.js';
import { allOffices } from '../offices/offices.js';
import type { Config, ServiceContext } from '../context.js';
import { conflict, DomainError, notFound } from '../errors.js';
import { attachFiles, checkFile, type CheckedFile, type IncomingFile } from '../files/files.js';
import { FILE_KINDS } from '../files/kinds.js';
import type { ReceivedFile, UploadProblem } from '../files/upload-receiver.js';
import { leaseUntil } from '../queue/lease.js';
import { clerkOnDuty } from '../queue/on-duty.js';
import { applicationInScope, lockApplication } from './access.js';
import type { NoticeRow } from './checklist.js';
import { changeStatus } from '../applications/transition.js';

export type SupplementForm = {
  number: string;
  serviceCode: string;
  status: string;
  notice: Pick<NoticeRow, 'number' | 'items' | 'supplementDeadline' | 'issueDate'> | null;
  /** Accepted file kinds per flagged material. */
  accept: Record<string, readonly FileKind[]>;
  /** Open for upload: waiting for the citizen and the deadline not passed. */
  open: boolean;
};

async function latestNotice(db: ServiceContext['db'], applicationId: string): Promise<NoticeRow | undefined> {
  const [n] = await db.select().from(notices).where(eq(notices.applicationId, applicationId)).orderBy(desc(notices.sequence)).limit(1);
  return n;
}

/** What the citizen's supplement page offers: only the items the latest notice flagged. */
export async function getSupplementForm(ctx: ServiceContext, number: string): Promise<SupplementForm> {
  const { app } = await applicationInScope(ctx.db, ctx, number, 'application:supplement');
  const notice = await latestNotice(ctx.db, app.id);
  if (!notice) throw notFound('review.noNotice');
  const def = getService(app.serviceCode);
  const accept = Object.fromEntries(
    notice.items.map((i) => [i.materialCode, def.materials.find((m) => m.code === i.materialCode)?.accept ?? FILE_KINDS]),
  );
  return {
    number,
    serviceCode: app.serviceCode,
    status: app.status,
    notice: { number: notice.number, items: notice.items, supplementDeadline: notice.supplementDeadline, issueDate: notice.issueDate },
    accept,
    open: app.status === 'needs_supplement' && chinaDate(ctx.clock.now()) <= notice.supplementDeadline,
  };
}

/**
 * The citizen supplies a file for every item the notice flagged (and nothing else; everything
 * else stays as submitted). Moves needs_supplement → supplemented, ends the waiting interval,
 * restarts the committed due date from today, and puts the item back: to the notifying clerk if
 * that clerk is on duty, otherwise at the front of the office's queue.
 */
export async function submitSupplement(ctx: ServiceContext, number: string, files: readonly IncomingFile[]): Promise<void> {
  const { app: seen } = await applicationInScope(ctx.db, ctx, number, 'application:supplement');
  const notice = await latestNotice(ctx.db, seen.id);
  if (!notice) throw notFound('review.noNotice');
  const def = getService(seen.serviceCode);
  const flagged = new Set(notice.items.map((i) => i.materialCode));

  const fieldErrors: Record<string, string[]> = {};
  const checked: CheckedFile[] = [];
  let status: 400 | 413 | 415 = 400;
  const unexpected = files.filter((f) => !flagged.has(f.materialCode)).map((f) => materialField(f.materialCode));
  if (unexpected.length > 0) throw new DomainError('review.supplementUnexpected', 400, { params: { fields: unexpected.join(', ') } });
  for (const code of flagged) {
    const mine = files.filter((f) => f.materialCode === code);
    const field = materialField(code);
    if (mine.length === 0) {
      fieldErrors[field] = ['review.supplementFileRequired'];
      continue;
    }
    if (mine.length > 1) {
      fieldErrors[field] = ['apply.oneFilePerMaterial'];
      continue;
    }
    const accept = def.materials.find((m) => m.code === code)?.accept ?? FILE_KINDS;
    const result = await checkFile(ctx.config, mine[0], accept);
    if (result.ok) checked.push(result.file);
    else if (result.problem === 'tooLarge') {
      status = 413;
      fieldErrors[field] = [fieldError('apply.fileTooLarge', { max: mib(ctx.config.maxFileBytes) })];
    } else {
      if (status !== 413) status = 415;
      fieldErrors[field] = [fieldError('apply.fileType', { kinds: accept.map((k) => k.toUpperCase()).join(' / ') })];
    }
  }
  if (Object.keys(fieldErrors).length > 0) {
    const code = status === 413 ? 'upload.tooLarge' : status === 415 ? 'upload.type' : 'form.invalid';
    throw new DomainError(code, status, { fieldErrors });
  }

  // Reference data read before the transaction (cached per process; never read through ctx.db inside it).
  const offices = await allOffices(ctx.db);
  await withBlobCleanup(ctx, (written) =>
    ctx.db.transaction(async (tx) => {
      const now = ctx.clock.now();
      const today = chinaDate(now);
      const [item] = await tx.select().from(queueItems).where(eq(queueItems.applicationId, seen.id)).for('update');
      const app = await lockApplication(tx, seen.id);
      if (app.status === 'needs_supplement' && today > notice.supplementDeadline) throw conflict('review.supplementDeadlinePassed');
      const cal = await loadCalendar(ctx.db, today, tx);
      // The same due-date rule as at filing (docs/decisions/0021), for the limit these answers were promised.
      const office = offices.find((o) => o.code === app.officeCode);
      // A supplement is never refused for a calendar year not entered yet: the date is stored as
      // unknown (null) and shown as such until the year is published (docs/decisions/0028).
      // The limits of the version of the list it was filed under (docs/decisions/0036), not today's.
      const listed = (await definitionOfApplication(ctx.db, app, tx))?.def ?? def;
      const due = orUnknown(() => committedDueDate(now, commitmentOf(listed, app.answers, { officeProvince: office ? office.cityCode.slice(0, 2) : null }), cal));
      const completeness = orUnknown(() => addWorkingDays(today, ctx.config.completenessDays, cal));
      const dueDate = isUnknown(due) ? null : due;
      const completenessDeadline = isUnknown(completeness) ? null : completeness;
      // changeStatus refuses (409) unless the application is waiting for this supplement.
      await changeStatus(tx, ctx, app, 'supplemented', 'citizen', {
        data: { noticeId: notice.id, materials: [...flagged] },
        set: { dueDate, completenessDeadline },
      });
      await attachFiles(tx, ctx, app.id, checked, written);
      await tx
        .update(waitingIntervals)
        .set({ endedAt: now, endedBy: 'supplemented' })
        .where(and(eq(waitingIntervals.noticeId, notice.id), isNull(waitingIntervals.endedAt)));
      if (!item) return;
      const back = { dueDate, completenessDeadline, frontOfQueue: -1, leaseVersion: sql`${queueItems.leaseVersion} + 1` };
      const clerkId = item.preferredClerkId;
      const [clerk] = clerkId ? await tx.select().from(users).where(eq(users.id, clerkId)).limit(1) : [];
      const stillFits = clerk && clerk.officeCode === item.officeCode && clerk.skills.includes(item.department);
      if (stillFits && (await clerkOnDuty(tx, clerk.id, now))) {
        await tx
          .update(queueItems)
          .set({ ...back, state: 'claimed', claimedBy: clerk.id, leaseExpiresAt: leaseUntil(ctx), heldSince: now })
          .where(eq(queueItems.id, item.id));
        await recordAudit(tx, ctx, { applicationId: app.id, action: 'queue.returnedToClerk', officeCode: item.officeCode, data: { clerkId: clerk.id } });
      } else {
        await tx
          .update(queueItems)
          .set({ ...back, state: 'waiting', claimedBy: null, leaseExpiresAt: null })
          .where(eq(queueItems.id, item.id));
        await recordAudit(tx, ctx, { applicationId: app.id, action: 'queue.requeued', officeCode: item.officeCode, data: { front: true } });
      }
    }),
  );
}


/**
 * The files of a posted supplement form (fields `material.<code>`), as the upload receiver kept
 * them; its problems (too large, too many, two files for one item) become the same field errors
 * the apply form shows, and nothing is stored.
 */
export function supplementFilesFrom(
  received: { files: readonly ReceivedFile[]; problems: readonly UploadProblem[] },
  config: Pick<Config, 'maxFileBytes' | 'maxFilesPerRequest' | 'maxRequestBytes'>,
): IncomingFile[] {
  refuseUploadProblems(received.problems, config);
  const prefix = materialField('');
  const unexpected = received.files.filter((f) => !f.field.startsWith(prefix)).map((f) => f.field);
  if (unexpected.length > 0) throw new DomainError('review.supplementUnexpected', 400, { params: { fields: unexpected.join(', ') } });
  return received.files.map((f) => ({ materialCode: f.field.slice(prefix.length), originalName: f.originalName, bytes: f.bytes }));
}
