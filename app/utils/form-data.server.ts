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
  try {
    return multipart && uploadHandler ? await unstable_parseMultipartFormData(request, uploadHandler) : await request.formData();
  } catch (e) {
    if (isDomainError(e)) throw e;
    throw json<ErrorPayload>({ code: 'badRequest', params: {} }, { status: 400 });
  }
}
