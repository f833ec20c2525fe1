import { randomUUID } from 'node:crypto';
import { getZodConstraint } from '@conform-to/zod';
import { and, desc, eq } from 'drizzle-orm';
import { applications, users } from '../../db/schema/index.js';
import { definitionInForce } from '../catalog/item-versions.js';
import type { LocalText } from '../catalog/item-facts.js';
import { fieldKeyBase, getService, type Department, type FieldGroup, type FieldKind, type FileKind } from '../catalog/index.js';
import { chinaDate } from '../calendar/working-days.js';
import type { ServiceContext } from '../context.js';
import { notFound } from '../errors.js';
import { currentFiles } from '../files/files.js';
import { FILE_KINDS } from '../files/sniff.js';
import { officesHandling } from '../offices/offices.js';
import { REGIONS } from '../offices/regions.js';
import { authorize } from '../permissions.js';
import { isUuid } from '../validation/ids.js';
import type { RawAnswers } from './apply-input.js';
import { postalAddressPrefill } from '../account/profile.js';
import { appliesTo, sharedFactsForRaw } from './checklist.js';
import { rawAnswersOf } from './parse-answers.js';

/** One option of a choice field; `labelKey` is a full i18n key (namespace:key). */
export type OptionView = { value: string; labelKey: string };

export type FieldView = {
  name: string;
  kind: FieldKind;
  labelKey: string;
  hintKey: string;
  required: boolean;
  options: OptionView[];
  showWhen: { field: string; in: string[] } | null;
  autoComplete: string | null;
  /** Set for fields shared across items (the postal address), rendered together in a fieldset. */
  group: FieldGroup | null;
  /**
   * The citizen's own identity, from their real-name account, for an item about themselves:
   * shown filled in and read-only (the form offers a way to file for a child under 16 instead).
   */
  locked: boolean;
};

export type MaterialView = {
  code: string;
  field: string;
  nameKey: string;
  requirementKey: string;
  /** The requirement and example as the version of the list in force today words them; null: the catalog's (decision 0040). */
  requirementText: LocalText | null;
  exampleText: LocalText | null;
  /** catalog:conditions.<key> when the material applies only to some applications. */
  conditionKey: string | null;
  accept: FileKind[];
  /**
   * The population registry confirms what this material proves for this citizen (data sharing):
   * shown as verified, no file needed. Re-checked at submission, against the answers given.
   */
  verifiedBySharing: boolean;
  /**
   * Whether the material applies to the answers known so far (the draft's, which after a first
   * submit are what was posted): the server-rendered form marks it; null before any answer.
   */
  applies: boolean | null;
};

export type UploadedFileView = { id: string; originalName: string; mimeType: string; sizeBytes: number; uploadedAt: string };

export type ApplyFormView = {
  service: { code: string; department: Department; nameKey: string };
  /** The id the form posts back; the draft's, or a fresh one that becomes the application's. */
  applicationId: string;
  fields: FieldView[];
  materials: MaterialView[];
  draft: { answers: RawAnswers; files: Record<string, UploadedFileView>; updatedAt: string } | null;
  /** Set when the requested draft has been submitted meanwhile: show its receipt instead. */
  submittedNumber: string | null;
  /** What the portal already knows (the citizen's own ID number), under the draft's answers. */
  prefill: Record<string, string>;
  /** Whether the form names someone else (a child) instead of the citizen; offered where the item allows it. */
  forOther: boolean | null;
  maxFileBytes: number;
  /** China day the conditions are judged on (ages), so the browser judges them as the server does. */
  today: string;
};

/**
 * Everything the apply page needs, serialisable: the fields with their option lists, the
 * materials checklist, and the citizen's draft for this service (the one asked for, or the most
 * recently saved one).
 */
export async function getApplyForm(
  ctx: ServiceContext,
  code: string,
  opts: { draftId?: string | null; fresh?: boolean; forOther?: boolean } = {},
): Promise<ApplyFormView> {
  const { actor } = authorize(ctx.actor, 'application:create');
  const def = getService(code);
  const today = chinaDate(ctx.clock.now());
  const constraint = getZodConstraint(def.schema({ today }));
  const needsOffices = def.fields.some((f) => f.kind === 'office');
  const offices = needsOffices ? await officesHandling(ctx.db, def.department) : [];

  const fields: FieldView[] = def.fields.map((f) => {
    const base = fieldKeyBase(def.code, f);
    const options: OptionView[] =
      f.kind === 'region'
        ? (f.options ?? REGIONS).map((r) => ({ value: r, labelKey: `common:regions.${r}` }))
        : f.kind === 'office'
          ? offices.map((o) => ({ value: o.code, labelKey: `common:offices.${o.code}` }))
          : (f.options ?? []).map((o) => ({ value: o, labelKey: `${base}.options.${o}` }));
    return {
      name: f.name,
      kind: f.kind,
      labelKey: `${base}.label`,
      hintKey: `${base}.hint`,
      // A checkbox is a declaration the citizen may leave unticked (an accident, a modification):
      // never marked required, whatever the schema's boolean says to conform.
      required: f.kind !== 'checkbox' && Boolean(constraint[f.name]?.required),
      options,
      showWhen: f.showWhen ? { field: f.showWhen.field, in: [...f.showWhen.in] } : null,
      autoComplete: f.autoComplete ?? null,
      group: f.group ?? null,
      locked: false,
    };
  });

  const mine = and(eq(applications.applicantId, actor.id), eq(applications.serviceCode, def.code));
  const [row] = opts.draftId
    ? isUuid(opts.draftId)
      ? await ctx.db.select().from(applications).where(and(mine, eq(applications.id, opts.draftId))).limit(1)
      : []
    : opts.fresh
      ? []
      : await ctx.db
          .select()
          .from(applications)
          .where(and(mine, eq(applications.status, 'draft')))
          .orderBy(desc(applications.updatedAt))
          .limit(1);
  if (opts.draftId && !row) throw notFound('application.notFound');

  let draft: ApplyFormView['draft'] = null;
  if (row && row.status === 'draft') {
    const files: Record<string, UploadedFileView> = {};
    for (const f of await currentFiles(ctx.db, row.id)) {
      files[f.materialCode] = {
        id: f.id,
        originalName: f.originalName,
        mimeType: f.mimeType,
        sizeBytes: f.sizeBytes,
        uploadedAt: f.uploadedAt.toISOString(),
      };
    }
    draft = { answers: rawAnswersOf(row.answers), files, updatedAt: row.updatedAt.toISOString() };
  }

  // No retyping (decision 0030): an item whose form names the person by ID number ('typed': the
  // citizen, or a guardian's child under 16) starts with the citizen's own number, read-only,
  // unless they chose to file for a child or the draft already names someone else. The server
  // needs no lock of its own: another adult's number is refused by the subject check anyway.
  const prefill: Record<string, string> = {};
  let forOther: boolean | null = null;
  if (def.subject?.kind === 'typed') {
    const idField = def.subject.idField;
    const [me] = await ctx.db.select({ idNumber: users.idNumber }).from(users).where(eq(users.id, actor.id));
    const typed = draft?.answers[idField];
    forOther = Boolean(opts.forOther) || (typeof typed === 'string' && typed.trim() !== '' && typed.trim().toUpperCase() !== me?.idNumber?.toUpperCase());
    if (me?.idNumber && !forOther) {
      prefill[idField] = me.idNumber;
      for (const f of fields) if (f.name === idField) f.locked = true;
    }
  }

  // The postal address kept in the profile, for forms that can post the result (under the draft's answers).
  if (def.fields.some((f) => f.group === 'postalAddress')) Object.assign(prefill, await postalAddressPrefill(ctx, actor.id));

  const known = draft && Object.keys(draft.answers).length > 0 ? draft.answers : null;
  const shared = await sharedFactsForRaw(ctx, def, actor.id, draft?.answers ?? {}, today);
  // What the list in force today says of each material: what a filing now is judged against.
  const listed = (await definitionInForce(ctx.db, def.code, today)).facts.materials;
  const materials: MaterialView[] = def.materials.map((m) => ({
    code: m.code,
    field: `material.${m.code}`,
    nameKey: `catalog:materials.${m.code}.name`,
    requirementKey: m.requirementKey ? `catalog:${m.requirementKey}` : `catalog:materials.${m.code}.requirement`,
    requirementText: listed[m.code]?.requirement ?? null,
    exampleText: listed[m.code]?.example ?? null,
    conditionKey: m.required === 'always' ? null : `catalog:conditions.${m.required.conditionKey}`,
    accept: [...(m.accept ?? FILE_KINDS)],
    verifiedBySharing: !!m.sharedFact && shared.includes(m.sharedFact),
    applies: m.required === 'always' ? true : known ? appliesTo(m, known, { today }) : null,
  }));

  return {
    service: { code: def.code, department: def.department, nameKey: `catalog:services.${def.code}.name` },
    applicationId: draft && row ? row.id : randomUUID(),
    fields,
    materials,
    draft,
    submittedNumber: row && row.status !== 'draft' ? row.number : null,
    prefill,
    forOther,
    maxFileBytes: ctx.config.maxFileBytes,
    today,
  };
}
