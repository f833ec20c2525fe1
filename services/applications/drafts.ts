import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applications } from '../../db/schema/index.js';
import type { ServiceDefinition } from '../catalog/types.js';
import { getService } from '../catalog/index.js';
import type { ServiceContext, UserActor } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { attachFiles, type CheckedFile } from '../files/files.js';
import { removeBlobs } from '../files/storage.js';
import { authorize } from '../permissions.js';
import { checkApplyInput, type ApplyInput, type RawAnswers } from './apply-input.js';

export type ApplicationRow = typeof applications.$inferSelect;

/**
 * The application row for this form, locked for the rest of the transaction, created as a draft
 * when the form is posted for the first time (`created`). The id comes from the form, so two
 * posts of the same form meet on the same row: the second waits for the first to commit (on the
 * key when the first created it, on the row lock otherwise).
 */
export async function lockOrCreateDraft(
  tx: Db,
  actor: UserActor,
  def: ServiceDefinition,
  applicationId: string,
): Promise<{ row: ApplicationRow; created: boolean }> {
  const [inserted] = await tx
    .insert(applications)
    .values({ id: applicationId, applicantId: actor.id, serviceCode: def.code, department: def.department, status: 'draft' })
    .onConflictDoNothing({ target: applications.id })
    .returning();
  // Inserted here: nobody else can see or lock it before this transaction ends.
  if (inserted) return { row: inserted, created: true };
  const [row] = await tx.select().from(applications).where(eq(applications.id, applicationId)).for('update');
  // Someone else's id, or a draft of another service posted to this form: as if it did not exist.
  if (!row || row.applicantId !== actor.id || row.serviceCode !== def.code) throw notFound('application.notFound');
  return { row, created: false };
}

/** Writes the raw answers onto a locked draft. */
export async function storeDraftAnswers(tx: Db, ctx: ServiceContext, applicationId: string, rawAnswers: RawAnswers): Promise<void> {
  await tx
    .update(applications)
    .set({ answers: rawAnswers, updatedAt: ctx.clock.now(), version: sql`${applications.version} + 1` })
    .where(eq(applications.id, applicationId));
}

/** Writes the raw answers and any new files onto a locked draft. */
export async function storeDraftContent(
  tx: Db,
  ctx: ServiceContext,
  draft: { row: ApplicationRow; created: boolean },
  rawAnswers: RawAnswers,
  files: readonly CheckedFile[],
  written: string[],
): Promise<void> {
  await storeDraftAnswers(tx, ctx, draft.row.id, rawAnswers);
  await attachFiles(tx, ctx, draft.row.id, files, written, { fresh: draft.created });
}

/**
 * Runs a transaction that may write blobs, removing them again if the transaction does not
 * commit, so a failed request leaves no orphan files behind.
 */
export async function withBlobCleanup<T>(ctx: ServiceContext, fn: (written: string[]) => Promise<T>): Promise<T> {
  const written: string[] = [];
  try {
    return await fn(written);
  } catch (e) {
    await removeBlobs(ctx.config.uploadDir, written);
    throw e;
  }
}

/**
 * Saves what the citizen has entered so far. Answers are stored as typed, unvalidated: a
 * half-filled form must be savable. A submitted application is no longer a draft (409).
 */
export async function saveDraft(ctx: ServiceContext, input: ApplyInput): Promise<{ applicationId: string }> {
  const { actor } = authorize(ctx.actor, 'application:create');
  const def = getService(input.serviceCode);
  const files = await checkApplyInput(def, input, ctx.config);
  await withBlobCleanup(ctx, (written) =>
    ctx.db.transaction(async (tx) => {
      const draft = await lockOrCreateDraft(tx, actor, def, input.applicationId);
      if (draft.row.status !== 'draft') throw conflict('application.notDraft');
      await storeDraftContent(tx, ctx, draft, input.rawAnswers, files, written);
    }),
  );
  return { applicationId: input.applicationId };
}
