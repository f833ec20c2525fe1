import type { LoaderFunctionArgs } from '@remix-run/node';
import { getFile } from '#services/files/files';
import { stripForbidden } from '#services/validation/text';
import { orThrowResponse } from '~/utils/errors.server';
import { fileIdParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';
import { downloadOrErrorPage } from '~/utils/download-errors.server';

/**
 * RFC 6266: a plain ASCII fallback for old clients and the exact (UTF-8) name in filename*, so
 * Chinese file names survive and quotes or line breaks in a name cannot break the header.
 */
export function contentDisposition(raw: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  // Names are cleaned when stored (cleanFileName); rows from before that rule are cleaned here.
  const name = stripForbidden(raw);
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'file';
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * A download: sandboxed (no script, no plugin, its own opaque origin), never framed.
 */
export const ATTACHMENT_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

/**
 * A PDF shown in a frame of our own pages (decision 0041). Chromium renders a PDF through its
 * viewer in a synthetic page that takes this response's policy: a `sandbox` (header or iframe
 * attribute) blocks the viewer outright, `object-src 'none'` blocks its embed, and without inline
 * styles it draws a fifth of the frame (crbug.com/413851, crbug.com/271452). Its own scripts come from
 * an extension origin that page policies do not reach. So: no sandbox, the embed and inline styles allowed for
 * this response alone, nothing else loadable (no script, no connection, no image, no form), and
 * framable only by our own origin. The type is the one checked when the bytes were stored, never
 * sniffed, so these bytes are only ever a PDF to the browser.
 */
export const INLINE_PDF_CSP = "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; form-action 'none'; base-uri 'none'";

/**
 * Serves an uploaded file. By default an attachment with the type recorded when its bytes were
 * checked, never sniffed by the browser, never cached: these are identity documents. A PDF asked
 * for with `?view=inline` is served to be shown in place, framable by our own pages only; any other
 * type ignores the request and stays an attachment. The authorization (and the audit of a staff
 * view) is the same either way.
 */
async function answer({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context);
  const file = await orThrowResponse(() => getFile(ctx, fileIdParam(params)));
  const inline = new URL(request.url).searchParams.get('view') === 'inline' && file.mimeType === 'application/pdf';
  const headers: Record<string, string> = {
    'Content-Type': file.mimeType,
    'Content-Length': String(file.body.byteLength),
    'Content-Disposition': contentDisposition(file.name, inline ? 'inline' : 'attachment'),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Security-Policy': inline ? INLINE_PDF_CSP : ATTACHMENT_CSP,
    'X-Frame-Options': inline ? 'SAMEORIGIN' : 'DENY',
  };
  return new Response(new Uint8Array(file.body), { status: 200, headers });
}

/** A browser following the link gets a page in its language for a refusal; anything else the JSON (app/utils/download-errors.server.ts). */
export const loader = (args: LoaderFunctionArgs) => downloadOrErrorPage(args.request, () => answer(args));
