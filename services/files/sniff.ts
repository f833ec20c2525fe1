import { fileTypeFromBuffer } from 'file-type';
import type { FileKind } from '../catalog/types.js';

export const FILE_KINDS: readonly FileKind[] = ['pdf', 'jpeg', 'png'];

export const MIME_OF: Record<FileKind, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

/** What an `accept` attribute should offer for these kinds (a hint for the browser only). */
export function acceptAttribute(kinds: readonly FileKind[]): string {
  const ext: Record<FileKind, string> = { pdf: '.pdf', jpeg: '.jpg,.jpeg', png: '.png' };
  return kinds.flatMap((k) => [MIME_OF[k], ext[k]]).join(',');
}

/**
 * The kind of file these bytes are, judged from the magic numbers alone: a file's name and the
 * browser's Content-Type are whatever the sender says they are.
 */
export async function sniffKind(bytes: Uint8Array): Promise<FileKind | null> {
  const found = await fileTypeFromBuffer(bytes);
  switch (found?.mime) {
    case 'application/pdf':
      return 'pdf';
    case 'image/jpeg':
      return 'jpeg';
    case 'image/png':
      return 'png';
    default:
      return null;
  }
}
