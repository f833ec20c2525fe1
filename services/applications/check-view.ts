import { getService } from '../catalog/index.js';
import type { ServiceContext } from '../context.js';
import { notFound } from '../errors.js';
import { answerLines, type AnswerLine } from './answer-lines.js';
import { getApplyForm, type MaterialView, type UploadedFileView } from './form-view.js';

export type CheckView = {
  service: { code: string; nameKey: string };
  applicationId: string;
  answers: AnswerLine[];
  /** The materials these answers call for, each with its file or its verification by sharing. */
  materials: { material: MaterialView; file: UploadedFileView | null }[];
  /** Set when the draft has been submitted meanwhile: show its receipt instead. */
  submittedNumber: string | null;
};

/**
 * The check-your-answers page of one of the citizen's drafts (decision 0030): what it says and
 * which files it carries, as the form would submit them. Someone else's id, or none, is 404.
 */
export async function getCheckView(ctx: ServiceContext, code: string, draftId: string | null): Promise<CheckView> {
  if (!draftId) throw notFound('application.notFound');
  const view = await getApplyForm(ctx, code, { draftId });
  const def = getService(code);
  const answers = view.draft?.answers ?? {};
  return {
    service: { code: view.service.code, nameKey: view.service.nameKey },
    applicationId: view.applicationId,
    answers: answerLines(def, answers, { withPostalAddress: true }),
    materials: view.materials.filter((m) => m.applies !== false).map((m) => ({ material: m, file: view.draft?.files[m.code] ?? null })),
    submittedNumber: view.submittedNumber,
  };
}
