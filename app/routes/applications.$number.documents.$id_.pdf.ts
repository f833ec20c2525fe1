import type { LoaderFunctionArgs } from '@remix-run/node';
import { sealedPdf } from '#services/documents/seal';
import { orThrowResponse } from '~/utils/errors.server';
import { pdfResponse } from '~/utils/pdf-response.server';
import { requireUser } from '~/utils/session.server';
import { downloadOrErrorPage } from '~/utils/download-errors.server';

/**
 * A decision document as its signed PDF (decision 0034): the applicant and staff in scope, as the
 * document's page; 404 for anyone else. Rendered and signed the first time, the same bytes after.
 */
async function answer({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context);
  const pdf = await orThrowResponse(() => sealedPdf(ctx, params.number ?? '', { source: 'decision', id: params.id ?? '' }));
  return pdfResponse(pdf);
}

/** A browser following the link gets a page in its language for a refusal; anything else the JSON (app/utils/download-errors.server.ts). */
export const loader = (args: LoaderFunctionArgs) => downloadOrErrorPage(args.request, () => answer(args));
