import { json, unstable_parseMultipartFormData, type UploadHandler } from '@remix-run/node';
import { isDomainError } from '#services/errors';
import type { ErrorPayload } from '~/utils/errors.server';

/**
 * The one body reader of every action (eslint refuses request.formData() and
 * unstable_parseMultipartFormData anywhere else). A body that is not a form (text/plain, JSON,
 * no content type) is a 415 and one that does not parse as the form it claims to be (multipart
 * without a boundary, cut short) a 400, instead of the TypeError that would be a 500. Only
 * forms are refused here; what they contain is the schema's business.
 *
 * With an upload handler, multipart parts go through it one by one (the upload receiver keeps
 * its limits without throwing); a DomainError it throws (the request's hard cap) passes through.
 */
export async function readFormData(request: Request, uploadHandler?: UploadHandler): Promise<FormData> {
  const type = (request.headers.get('Content-Type') ?? '').toLowerCase();
  const multipart = type.startsWith('multipart/form-data');
  if (!multipart && !type.startsWith('application/x-www-form-urlencoded')) {
    throw json<ErrorPayload>({ code: 'badRequest', params: {} }, { status: 415 });
  }
  let form: FormData;
  try {
    form = multipart && uploadHandler ? await unstable_parseMultipartFormData(request, uploadHandler) : await request.formData();
  } catch (e) {
    if (isDomainError(e)) throw e;
    throw json<ErrorPayload>({ code: 'badRequest', params: {} }, { status: 400 });
  }
  if (!formShapeIsSane(form)) throw json<ErrorPayload>({ code: 'badRequest', params: {} }, { status: 400 });
  return form;
}

/**
 * Field names as conform reads them (`a.b[3].c`): every form of ours has a few dozen fields, paths
 * a few levels deep and lists of at most a few dozen items. conform builds a sparse array up to the
 * highest index a name gives and echoes it back when the form is shown again: `a[99999999]=1`
 * (twenty bytes) froze the process building and serialising a hundred million nulls, and a name
 * 5,000 levels deep overflowed its stack. Far beyond any form of ours, a body is refused as a 400.
 */
export const FORM_SHAPE = { maxFields: 500, maxNameLength: 200, maxDepth: 8, maxIndex: 999 } as const;

/**
 * A path segment that reaches an object's prototype when a name is followed into nested objects:
 * `materials.__proto__.requirement.zh` wrote to Object.prototype of the whole process (every
 * later page that read an absent key found it). No form of ours has such a field; refused at the
 * edge for every form, whatever builds objects from the names afterwards.
 */
const PROTOTYPE_SEGMENT = /^(?:__proto__|constructor|prototype)$/;

export function formShapeIsSane(form: FormData): boolean {
  let fields = 0;
  for (const name of form.keys()) {
    if (++fields > FORM_SHAPE.maxFields || name.length > FORM_SHAPE.maxNameLength) return false;
    const segments = name.split(/[.[]/);
    if (segments.length > FORM_SHAPE.maxDepth) return false;
    if (segments.some((s) => PROTOTYPE_SEGMENT.test(s.replace(/\]$/, '')))) return false;
    for (const m of name.matchAll(/\[(\d*)\]/g)) if (m[1].length > 3 || Number(m[1]) > FORM_SHAPE.maxIndex) return false;
  }
  return true;
}
