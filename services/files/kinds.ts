import type { FileKind } from '../catalog/types.js';

/** Dependency-free, so the browser bundle can use it (sniffing needs file-type, server-only). */
export const FILE_KINDS: readonly FileKind[] = ['pdf', 'jpeg', 'png'];

export const MIME_OF: Record<FileKind, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

/** The file-name extensions of each kind, the usual one first (lower case, without the dot). */
export const EXTENSIONS_OF: Record<FileKind, readonly [string, ...string[]]> = {
  pdf: ['pdf'],
  jpeg: ['jpg', 'jpeg'],
  png: ['png'],
};

/** What an `accept` attribute should offer for these kinds (a hint for the browser only). */
export function acceptAttribute(kinds: readonly FileKind[]): string {
  return kinds.flatMap((k) => [MIME_OF[k], EXTENSIONS_OF[k].map((e) => `.${e}`).join(',')]).join(',');
}
