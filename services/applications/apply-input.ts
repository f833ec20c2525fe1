import type { FileKind, MaterialDef, ServiceDefinition } from '../catalog/types.js';
import type { Config } from '../context.js';
import { DomainError } from '../errors.js';
import { checkFile, type CheckedFile, type IncomingFile } from '../files/files.js';
import { FILE_KINDS } from '../files/sniff.js';
import type { ReceivedFile, UploadProblem } from '../files/upload-receiver.js';
import { fieldError, mib, refuseUploadProblems } from '../files/upload-problems.js';
import { isUuid } from '../validation/ids.js';
import { FORBIDDEN_CHARACTERS_MESSAGE, hasForbiddenCharacters } from '../validation/text.js';

/**
 * What the apply form posts, and the checks every entry point repeats before touching the
 * database. A field the definition does not declare is refused outright: a POST that carries
 * `status`, `applicantId` or `number` is an attempt to set what only the system sets.
 */
export type RawAnswers = Record<string, string | string[]>;

export type ApplyInput = {
  applicationId: string;
  serviceCode: string;
  rawAnswers: RawAnswers;
  files: readonly IncomingFile[];
};

/**
 * 'save' keeps a draft unchecked; 'review' checks everything and leads to the check-your-answers
 * page, whose confirmation files (decision 0030); 'submit' checks and files in one step (clients
 * without the review page, and the tests of the filing itself).
 */
export const APPLY_INTENTS = ['save', 'review', 'submit'] as const;
export type ApplyIntent = (typeof APPLY_INTENTS)[number];

/** Form controls that are not answers. */
const CONTROL_FIELDS = new Set(['applicationId', 'intent']);
const MATERIAL_PREFIX = 'material.';

/** Drafts keep raw, unvalidated answers; this bounds what a half-filled form may store. */
export const MAX_ANSWERS_BYTES = 32 * 1024;

export const materialField = (code: string) => `${MATERIAL_PREFIX}${code}`;

export { fieldError } from '../files/upload-problems.js';

function materialOf(def: ServiceDefinition, field: string): MaterialDef | undefined {
  return field.startsWith(MATERIAL_PREFIX) ? def.materials.find((m) => m.code === field.slice(MATERIAL_PREFIX.length)) : undefined;
}

function refuseUnexpected(names: readonly string[]): void {
  if (names.length > 0) {
    throw new DomainError('application.unexpectedFields', 400, { params: { fields: [...new Set(names)].join(', ') } });
  }
}

/**
 * Turns the posted fields (text entries plus what the upload receiver kept) into an intent and
 * the service input. Throws a 400 for unknown fields, a bad id or intent, and the receiver's
 * limits as 413 errors beside the offending file field.
 */
export function readApplyForm(
  def: ServiceDefinition,
  entries: Iterable<[string, string]>,
  received: { files: readonly ReceivedFile[]; problems: readonly UploadProblem[] },
  config: Pick<Config, 'maxFileBytes' | 'maxFilesPerRequest' | 'maxRequestBytes'>,
): { intent: ApplyIntent; input: ApplyInput } {
  const answerNames = new Set(def.fields.map((f) => f.name));
  const rawAnswers: RawAnswers = {};
  let intent: string | undefined;
  let applicationId: string | undefined;
  const unexpected: string[] = [];
  for (const [name, value] of entries) {
    if (name === 'intent') intent = value;
    else if (name === 'applicationId') applicationId = value;
    else if (answerNames.has(name)) {
      const prev = rawAnswers[name];
      rawAnswers[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
    } else unexpected.push(name);
  }
  for (const f of received.files) if (!materialOf(def, f.field)) unexpected.push(f.field);
  for (const p of received.problems) if (!materialOf(def, p.field) && !answerNames.has(p.field) && !CONTROL_FIELDS.has(p.field)) unexpected.push(p.field);
  refuseUnexpected(unexpected);

  if (!intent || !(APPLY_INTENTS as readonly string[]).includes(intent)) throw new DomainError('application.badIntent', 400);
  if (!isUuid(applicationId)) throw new DomainError('application.badId', 400);

  refuseUploadProblems(received.problems, config);

  return {
    intent: intent as ApplyIntent,
    input: {
      applicationId: applicationId.toLowerCase(),
      serviceCode: def.code,
      rawAnswers,
      files: received.files.map((f) => ({
        materialCode: f.field.slice(MATERIAL_PREFIX.length),
        originalName: f.originalName,
        bytes: f.bytes,
      })),
    },
  };
}

/**
 * A draft stores its answers before the definition's schema has judged them, so the characters
 * no field may hold (validation/text.ts) are refused here, beside the field, for drafts and
 * submissions alike: a NUL would fail in the jsonb column, a bidi override would reach a clerk.
 */
function refuseForbiddenCharacters(def: ServiceDefinition, raw: RawAnswers): void {
  const fieldErrors: Record<string, string[]> = {};
  for (const f of def.fields) {
    const value = raw[f.name];
    if (value === undefined) continue;
    const multiline = f.kind === 'textarea';
    if ((Array.isArray(value) ? value : [value]).some((v) => hasForbiddenCharacters(v, { multiline }))) {
      fieldErrors[f.name] = [FORBIDDEN_CHARACTERS_MESSAGE];
    }
  }
  if (Object.keys(fieldErrors).length > 0) throw new DomainError('form.invalid', 400, { fieldErrors });
}

/**
 * The checks saveDraft and submitApplication make before any write: only declared answers,
 * bounded size, one file per known material, each within the size limit and of an accepted type
 * by its bytes. Any failure refuses the whole request (nothing from it is stored).
 */
export async function checkApplyInput(
  def: ServiceDefinition,
  input: ApplyInput,
  config: Pick<Config, 'maxFileBytes'>,
): Promise<CheckedFile[]> {
  if (!isUuid(input.applicationId)) throw new DomainError('application.badId', 400);
  const answerNames = new Set(def.fields.map((f) => f.name));
  const unexpected = Object.keys(input.rawAnswers).filter((k) => !answerNames.has(k));
  for (const f of input.files) if (!def.materials.some((m) => m.code === f.materialCode)) unexpected.push(materialField(f.materialCode));
  refuseUnexpected(unexpected);
  for (const v of Object.values(input.rawAnswers)) {
    if (!(typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))) {
      throw new DomainError('application.badAnswers', 400);
    }
  }
  if (new TextEncoder().encode(JSON.stringify(input.rawAnswers)).byteLength > MAX_ANSWERS_BYTES) {
    throw new DomainError('application.answersTooLarge', 413);
  }
  refuseForbiddenCharacters(def, input.rawAnswers);

  const fieldErrors: Record<string, string[]> = {};
  const checked: CheckedFile[] = [];
  let tooLarge = false;
  const seen = new Set<string>();
  for (const f of input.files) {
    const material = def.materials.find((m) => m.code === f.materialCode)!;
    const field = materialField(f.materialCode);
    if (seen.has(f.materialCode)) {
      (fieldErrors[field] ??= []).push('apply.oneFilePerMaterial');
      continue;
    }
    seen.add(f.materialCode);
    const accept: readonly FileKind[] = material.accept ?? FILE_KINDS;
    const result = await checkFile(config, f, accept);
    if (result.ok) checked.push(result.file);
    else if (result.problem === 'tooLarge') {
      tooLarge = true;
      (fieldErrors[field] ??= []).push(fieldError('apply.fileTooLarge', { max: mib(config.maxFileBytes) }));
    } else {
      (fieldErrors[field] ??= []).push(fieldError('apply.fileType', { kinds: accept.map((k) => k.toUpperCase()).join(' / ') }));
    }
  }
  if (Object.keys(fieldErrors).length > 0) {
    throw tooLarge
      ? new DomainError('upload.tooLarge', 413, { fieldErrors })
      : Object.values(fieldErrors).flat().some((e) => e.startsWith('apply.fileType'))
        ? new DomainError('upload.type', 415, { fieldErrors })
        : new DomainError('upload.invalid', 400, { fieldErrors });
  }
  return checked;
}
