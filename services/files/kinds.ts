import type { FileKind } from '../catalog/types.js';

/** Dependency-free, so the browser bundle can use it (sniffing needs file-type, server-only). */
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
