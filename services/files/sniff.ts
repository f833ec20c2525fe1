import { fileTypeFromBuffer } from 'file-type';
import type { FileKind } from '../catalog/types.js';

export { FILE_KINDS, MIME_OF } from './kinds.js';

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
