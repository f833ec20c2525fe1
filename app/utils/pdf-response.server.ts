import { contentDisposition } from '~/routes/files.$id';
import type { SealedPdf } from '#services/documents/seal';

/** A signed PDF as a download: its exact stored bytes (what the signature covers), never sniffed or cached. */
export function pdfResponse(pdf: SealedPdf): Response {
  return new Response(new Uint8Array(pdf.bytes), {
    status: 200,
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Length': String(pdf.bytes.byteLength),
      'Content-Disposition': contentDisposition(pdf.filename),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  });
}
