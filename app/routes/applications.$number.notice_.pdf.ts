import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { sealedPdf } from '#services/documents/seal';
import { orThrowResponse } from '~/utils/errors.server';
import { applicationNumberParam } from '~/utils/params.server';
import { pdfResponse } from '~/utils/pdf-response.server';
import { requireUser } from '~/utils/session.server';
import { downloadOrErrorPage } from '~/utils/download-errors.server';

/** The one-time notice (?sequence=N for an earlier one) as its signed PDF; 404 for anyone else's (decision 0034). */
async function answer({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context);
  const number = applicationNumberParam(params, 'review.applicationNotFound');
  const raw = new URL(request.url).searchParams.get('sequence');
  if (raw !== null && !/^[1-9]\d{0,2}$/.test(raw)) throw json({ code: 'review.noticeNotFound', params: {} }, { status: 404 });
  const pdf = await orThrowResponse(() => sealedPdf(ctx, number, { source: 'notice', sequence: raw === null ? null : Number(raw) }));
  return pdfResponse(pdf);
}

/** A browser following the link gets a page in its language for a refusal; anything else the JSON (app/utils/download-errors.server.ts). */
export const loader = (args: LoaderFunctionArgs) => downloadOrErrorPage(args.request, () => answer(args));
