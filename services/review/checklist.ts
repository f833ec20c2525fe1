import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { applicationFiles, materialVerdicts, notices } from '../../db/schema/index.js';
import { chinaDate } from '../calendar/working-days.js';
import { getService } from '../catalog/index.js';
import { applicableMaterials, sharedMaterials, type MaterialDef } from '../catalog/types.js';
import type { ApplicationRow } from './access.js';

export type VerdictRow = typeof materialVerdicts.$inferSelect;
export type FileRow = typeof applicationFiles.$inferSelect;
export type NoticeRow = typeof notices.$inferSelect;

export type ChecklistItem = {
  material: MaterialDef;
  /** catalog key of the requirement text. */
  requirementKey: string;
  files: FileRow[];
  /** The verdict that still applies to the files as they are now, or null: unreviewed. */
  verdict: VerdictRow | null;
  /** Named in the latest one-time notice. */
  inLastNotice: boolean;
  /** The citizen replaced or added files since the last notice. */
  changedSinceNotice: boolean;
};

export const requirementKeyOf = (m: MaterialDef) => m.requirementKey ?? `materials.${m.code}.requirement`;

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** A material the population registry confirmed at submission (国务院令第716号 art. 7): shown as verified, never judged. */
export type SharedChecklistItem = { material: MaterialDef; requirementKey: string };

/**
 * The checklist as it applies to this application (answers as submitted, dates as of receipt),
 * each item with its current files and verdict, and what the one-time rule needs to know.
 * Materials verified by data sharing come apart in `shared`: they need no verdict, so acceptance
 * and the notice never count them as unreviewed, and no verdict (or notice) can name them.
 *
 * `need` leaves out what a caller does not read, one query each (a clerk's "ok" reads neither the
 * verdicts nor the notices): what is not loaded reads as absent — no verdict, no notice.
 */
export async function loadChecklist(
  db: Db,
  app: ApplicationRow,
  need: { verdicts?: boolean; notices?: boolean } = {},
): Promise<{ items: ChecklistItem[]; shared: SharedChecklistItem[]; notices: NoticeRow[] }> {
  const def = getService(app.serviceCode);
  const env = { today: chinaDate(app.submittedAt ?? app.createdAt) };
  const materials = applicableMaterials(def, app.answers, env);
  const shared = sharedMaterials(def, app.answers, env).map((material) => ({ material, requirementKey: requirementKeyOf(material) }));
  const [files, verdicts, issued] = await Promise.all([
    db
      .select()
      .from(applicationFiles)
      .where(and(eq(applicationFiles.applicationId, app.id), isNull(applicationFiles.supersededAt)))
      .orderBy(asc(applicationFiles.uploadedAt)),
    need.verdicts === false
      ? []
      : db.select().from(materialVerdicts).where(eq(materialVerdicts.applicationId, app.id)).orderBy(asc(materialVerdicts.at)),
    need.notices === false ? [] : db.select().from(notices).where(eq(notices.applicationId, app.id)).orderBy(asc(notices.sequence)),
  ]);
  const lastNotice = issued.at(-1);
  const items = materials.map((material): ChecklistItem => {
    const mine = files.filter((f) => f.materialCode === material.code);
    const ids = mine.map((f) => f.id);
    const latest = verdicts.filter((v) => v.materialCode === material.code).at(-1) ?? null;
    return {
      material,
      requirementKey: requirementKeyOf(material),
      files: mine,
      verdict: latest && sameSet(latest.fileIds, ids) ? latest : null,
      inLastNotice: !!lastNotice && lastNotice.items.some((i) => i.materialCode === material.code),
      changedSinceNotice: !!lastNotice && !sameSet(lastNotice.fileSnapshot[material.code] ?? [], ids),
    };
  });
  return { items, shared, notices: issued };
}

/**
 * Whether flagging this item now would go beyond "notify once": after a notice, only items that
 * notice named or whose files the citizen changed since may be flagged. An item fixed in an
 * earlier round and found ok since is as settled as one that was never flagged.
 */
export function beyondOnce(item: ChecklistItem, noticesIssued: number): boolean {
  return noticesIssued > 0 && !item.inLastNotice && !item.changedSinceNotice;
}
