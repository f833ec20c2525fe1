import type { LoaderFunctionArgs } from '@remix-run/node';
import { sealedPdf } from '#services/documents/seal';
import { orThrowResponse } from '~/utils/errors.server';
import { pdfResponse } from '~/utils/pdf-response.server';
import { requireUser } from '~/utils/session.server';

/**
 * A decision document as its signed PDF (decision 0034): the applicant and staff in scope, as the
 * document's page; 404 for anyone else. Rendered and signed the first time, the same bytes after.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context);
  const pdf = await orThrowResponse(() => sealedPdf(ctx, params.number ?? '', { source: 'decision', id: params.id ?? '' }));
  return pdfResponse(pdf);
}
