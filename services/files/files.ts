import { and, eq, inArray, isNull } from 'drizzle-orm';
import { provinceOfCity } from '../offices/offices.js';
import type { Db } from '../../db/client.js';
import { applicationFiles, applications, offices } from '../../db/schema/index.js';
import { recordAudit } from '../audit.js';
import type { FileKind } from '../catalog/types.js';
import type { Config, ServiceContext } from '../context.js';
import { notFound } from '../errors.js';
import { authorize, inScope, subjectFor } from '../permissions.js';
import { EXTENSIONS_OF } from './kinds.js';
import { FILE_KINDS, MIME_OF, sniffKind } from './sniff.js';
import { readBlob, writeBlob } from './storage.js';
import { isUuid } from '../validation/ids.js';
import { stripForbidden, takeCodePoints } from '../validation/text.js';

export type IncomingFile = { materialCode: string; originalName: string; bytes: Uint8Array };
export type CheckedFile = IncomingFile & { kind: FileKind };
export type FileProblem = 'tooLarge' | 'type';

/** Size first (cheap), then the bytes' own type against what the material accepts. */
export async function checkFile(
  config: Pick<Config, 'maxFileBytes'>,
  file: IncomingFile,
  accept: readonly FileKind[] = FILE_KINDS,
): Promise<{ ok: true; file: CheckedFile } | { ok: false; problem: FileProblem }> {
  if (file.bytes.byteLength > config.maxFileBytes) return { ok: false, problem: 'tooLarge' };
  const kind = await sniffKind(file.bytes);
  if (!kind || !accept.includes(kind)) return { ok: false, problem: 'type' };
  return { ok: true, file: { ...file, kind } };
}

const MAX_FILE_NAME = 200;

/**
 * The name a file is kept and shown under. It comes from the user's operating system, not their
 * keyboard, so it is normalized rather than refused: no path, no control, bidi or invisible
 * format characters (validation/text.ts; "invoice\u202Efdp.exe" would show a clerk
 * "invoiceexe.pdf"), NFC, at most 200 characters (never half a pair), and an extension that
 * says what the bytes are: a PDF named "x.exe" is kept as "x.exe.pdf", one named "scan" as
 * "scan.pdf".
 */
export function cleanFileName(name: string, kind: FileKind): string {
  const base = stripForbidden(name).split(/[/\\]/).pop() ?? '';
  const clean = base.replace(/"/g, '').trim();
  const dot = clean.lastIndexOf('.');
  const honest = dot > 0 && EXTENSIONS_OF[kind].includes(clean.slice(dot + 1).toLowerCase());
  const extension = honest ? clean.slice(dot) : `.${EXTENSIONS_OF[kind][0]}`;
  const stem = takeCodePoints(honest ? clean.slice(0, dot) : clean, MAX_FILE_NAME - extension.length).trim();
  return `${stem || 'file'}${extension}`;
}

export type FileRow = typeof applicationFiles.$inferSelect;

/** The files that count: the latest per material (replaced ones keep their rows, superseded). */
export async function currentFiles(tx: Db, applicationId: string): Promise<FileRow[]> {
  return tx
    .select()
    .from(applicationFiles)
    .where(and(eq(applicationFiles.applicationId, applicationId), isNull(applicationFiles.supersededAt)))
    .orderBy(applicationFiles.uploadedAt);
}

export type NewFileRow = typeof applicationFiles.$inferInsert;

/**
 * Writes the files' bytes (in parallel) and returns their rows, not yet inserted. Every key
 * written is pushed onto `written` as soon as it exists, for cleanup should the transaction roll
 * back.
 */
export async function storeBlobs(
  ctx: Pick<ServiceContext, 'clock' | 'config'>,
  applicationId: string,
  files: readonly CheckedFile[],
  written: string[],
): Promise<NewFileRow[]> {
  const uploadedAt = ctx.clock.now();
  // allSettled: every write has finished (and its key is on `written`) before a failure is thrown,
  // so the caller's cleanup finds them all.
  const settled = await Promise.allSettled(
    files.map(async (f) => {
      const blob = await writeBlob(ctx.config.uploadDir, f.bytes);
      written.push(blob.storageKey);
      return {
        applicationId,
        materialCode: f.materialCode,
        storageKey: blob.storageKey,
        originalName: cleanFileName(f.originalName, f.kind),
        mimeType: MIME_OF[f.kind],
        sizeBytes: blob.sizeBytes,
        sha256: blob.sha256,
        uploadedAt,
      };
    }),
  );
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<NewFileRow>).value);
}

/** The insert of stored files' rows (one statement for all), to run or to send with other writes. */
export function insertFileRows(tx: Db, rows: readonly NewFileRow[]) {
  return tx.insert(applicationFiles).values([...rows]);
}

/**
 * Stores checked files for an application inside the caller's transaction. A new file for a
 * material supersedes the current one rather than deleting it, so what was once submitted stays
 * on record. The storage keys written go onto `written`, for cleanup should the transaction roll
 * back. `fresh`: the application was created in this transaction, so it has no file to supersede yet.
 */
export async function attachFiles(
  tx: Db,
  ctx: Pick<ServiceContext, 'clock' | 'config'>,
  applicationId: string,
  files: readonly CheckedFile[],
  written: string[],
  opts: { fresh?: boolean } = {},
): Promise<void> {
  if (files.length === 0) return;
  const rows = await storeBlobs(ctx, applicationId, files, written);
  if (!opts.fresh) {
    await tx
      .update(applicationFiles)
      .set({ supersededAt: rows[0].uploadedAt })
      .where(
        and(
          eq(applicationFiles.applicationId, applicationId),
          inArray(applicationFiles.materialCode, [...new Set(files.map((f) => f.materialCode))]),
          isNull(applicationFiles.supersededAt),
        ),
      );
  }
  await insertFileRows(tx, rows);
}

export type Download = { name: string; mimeType: string; sizeBytes: number; body: Buffer };

/**
 * A file for download: the applicant's own, or, for staff, one of an application in their scope
 * (office and skills, city or province). Anything else is 404 so ids reveal nothing. Staff reads of
 * personal documents are audited.
 */
export async function getFile(ctx: ServiceContext, id: string): Promise<Download> {
  const { actor, scope } = authorize(ctx.actor, 'file:read');
  if (!isUuid(id)) throw notFound('file.notFound');
  const [row] = await ctx.db
    .select({ file: applicationFiles, app: applications, cityCode: offices.cityCode, provinceCode: provinceOfCity(offices.cityCode) })
    .from(applicationFiles)
    .innerJoin(applications, eq(applications.id, applicationFiles.applicationId))
    .leftJoin(offices, eq(offices.code, applications.officeCode))
    .where(eq(applicationFiles.id, id))
    .limit(1);
  if (!row) throw notFound('file.notFound');
  const visible = inScope(actor, scope, {
    ownerId: row.app.applicantId,
    subjectId: subjectFor('file:read', row.app.subjectUserId),
    officeCode: row.app.officeCode,
    department: row.app.department,
    cityCode: row.cityCode,
    provinceCode: row.provinceCode,
  });
  if (!visible) throw notFound('file.notFound');
  const body = await readBlob(ctx.config.uploadDir, row.file.storageKey);
  if (scope !== 'own') {
    await recordAudit(ctx.db, ctx, {
      applicationId: row.app.id,
      action: 'file.viewed',
      officeCode: row.app.officeCode,
      data: { fileId: row.file.id, materialCode: row.file.materialCode },
    });
  }
  return { name: row.file.originalName, mimeType: row.file.mimeType, sizeBytes: row.file.sizeBytes, body };
}
