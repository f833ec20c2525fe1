import { type LoaderFunctionArgs } from '@remix-run/node';
import { sealedPdf } from '#services/documents/seal';
import { orThrowResponse } from '~/utils/errors.server';
import { applicationNumberParam } from '~/utils/params.server';
import { pdfResponse } from '~/utils/pdf-response.server';
import { requireUser } from '~/utils/session.server';
import { downloadOrErrorPage } from '~/utils/download-errors.server';

/**
 * The receipt of an application (受理回执) as its signed PDF (decision 0038): the applicant (and
 * the subject) and staff in scope; 404 for anyone else and for a draft.
 */
async function answer({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context);
  const number = applicationNumberParam(params, 'application.notFound');
  const pdf = await orThrowResponse(() => sealedPdf(ctx, number, { source: 'receipt' }));
  return pdfResponse(pdf);
}

/** A browser following the link gets a page in its language for a refusal; anything else the JSON (app/utils/download-errors.server.ts). */
export const loader = (args: LoaderFunctionArgs) => downloadOrErrorPage(args.request, () => answer(args));
