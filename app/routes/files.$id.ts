import type { LoaderFunctionArgs } from '@remix-run/node';
import { getFile } from '#services/files/files';
import { stripForbidden } from '#services/validation/text';
import { orThrowResponse } from '~/utils/errors.server';
import { fileIdParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';

/**
 * RFC 6266: a plain ASCII fallback for old clients and the exact (UTF-8) name in filename*, so
 * Chinese file names survive and quotes or line breaks in a name cannot break the header.
 */
export function contentDisposition(raw: string): string {
  // Names are cleaned when stored (cleanFileName); rows from before that rule are cleaned here.
  const name = stripForbidden(raw);
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'file';
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Downloads an uploaded file. Always as an attachment with the type recorded when its bytes were
 * checked, never sniffed by the browser, never cached: these are identity documents.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context);
  const file = await orThrowResponse(() => getFile(ctx, fileIdParam(params)));
  return new Response(new Uint8Array(file.body), {
    status: 200,
    headers: {
      'Content-Type': file.mimeType,
      'Content-Length': String(file.body.byteLength),
      'Content-Disposition': contentDisposition(file.name),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    },
  });
}
