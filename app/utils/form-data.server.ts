import { json } from '@remix-run/node';
import type { ErrorPayload } from '~/utils/errors.server';

/**
 * request.formData() for plain forms, answering a body that is not a form (text/plain, JSON,
 * broken multipart, no content type) with a 4xx instead of the TypeError that would be a 500.
 * Only forms are refused here; what they contain is the schema's business.
 */
export async function readFormData(request: Request): Promise<FormData> {
  const type = (request.headers.get('Content-Type') ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) {
    throw json<ErrorPayload>({ code: 'badRequest', params: {} }, { status: 415 });
  }
  try {
    return await request.formData();
  } catch {
    throw json<ErrorPayload>({ code: 'badRequest', params: {} }, { status: 400 });
  }
}
