import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type AppLoadContext } from '@remix-run/node';
import { revokeDocument, type DocumentRef } from '#services/documents/seal';
import { revokeSchema } from '#services/documents/revoke-schema';
import { isDomainError } from '#services/errors';
import type { Actor } from '#services/context';
import { readFormData } from '~/utils/form-data.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { requireUser } from '~/utils/session.server';

/**
 * The revocation form's action, the same on every document page (a decision document, a notice,
 * a receipt; decisions 0034, 0038): a manager, the reason parsed, the service called, its refusal
 * shown at the form (out of scope: the 404 page), then back to `page` saying it is done.
 */
export async function revokeFromPage(request: Request, context: AppLoadContext, number: string, ref: DocumentRef, page: string) {
  const ctx = await requireUser(request, context, ['manager']);
  const submission = parseWithZod(await readFormData(request), { schema: revokeSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  try {
    await revokeDocument(ctx, number, ref, submission.value);
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      return domainErrorResponse(submission, e);
    }
    throw e;
  }
  return redirect(`${page}${page.includes('?') ? '&' : '?'}revoked=1`, 303);
}

/** Where a document page leads back to: the desk's page of the application for staff, the applicant's own page otherwise. */
export function applicationPageFor(actor: Actor, number: string): string {
  return actor.kind === 'user' && actor.role !== 'citizen' ? `/desk/applications/${number}` : `/applications/${number}`;
}

/** ?revoked=1: the page was reached right after a revocation, so it says it was done. */
export const revokedNow = (request: Request): boolean => new URL(request.url).searchParams.get('revoked') === '1';
