import { DomainError } from '../errors.js';
import type { Config } from '../context.js';

/**
 * Receives the parts of a multipart request one by one (the shape Remix's upload handlers get)
 * and enforces the limits WITHOUT throwing: a file that is too large is drained and noted, so
 * the request's other fields still arrive and the form can be shown again with the values and
 * an error beside the offending field. Nothing is written anywhere here.
 */
export type UploadPart = {
  name: string;
  filename?: string;
  contentType: string;
  data: AsyncIterable<Uint8Array>;
};

export type ReceivedFile = { field: string; originalName: string; bytes: Uint8Array };

export type UploadProblemCode = 'tooLarge' | 'tooMany' | 'requestTooLarge' | 'textTooLong' | 'duplicate';
export type UploadProblem = { field: string; code: UploadProblemCode };

export type UploadLimits = Pick<Config, 'maxFileBytes' | 'maxFilesPerRequest' | 'maxRequestBytes'>;

/** No form field of ours is anywhere near this; a longer value is an abuse of the form. */
export const MAX_TEXT_PART_BYTES = 16 * 1024;

/**
 * Beyond this many bytes we stop reading and answer 413 without the form's values: draining a
 * request this large to rescue the other fields is not worth the bandwidth.
 */
export const hardRequestCap = (limits: UploadLimits) => limits.maxRequestBytes * 4;

export type UploadReceiver = {
  handle(part: UploadPart): Promise<string | undefined>;
  readonly files: ReceivedFile[];
  readonly problems: UploadProblem[];
};

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export function createUploadReceiver(limits: UploadLimits): UploadReceiver {
  const files: ReceivedFile[] = [];
  const problems: UploadProblem[] = [];
  const seenFileFields = new Set<string>();
  let total = 0;
  let fileCount = 0;

  const count = (n: number) => {
    total += n;
    if (total > hardRequestCap(limits)) throw new DomainError('upload.requestTooLarge', 413, { params: { max: Math.round(limits.maxRequestBytes / (1024 * 1024)) } });
  };
  const problem = (field: string, code: UploadProblemCode) => {
    if (!problems.some((p) => p.field === field && p.code === code)) problems.push({ field, code });
  };

  async function handle(part: UploadPart): Promise<string | undefined> {
    const isFile = typeof part.filename === 'string';
    const cap = isFile ? limits.maxFileBytes : MAX_TEXT_PART_BYTES;
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of part.data) {
      count(chunk.byteLength);
      size += chunk.byteLength;
      // Once a file is refused nothing from this request is saved, so stop holding file bytes;
      // text values are still kept, to show the form again as it was.
      if (size <= cap && (!isFile || problems.length === 0)) chunks.push(chunk);
    }
    if (!isFile) {
      if (size > cap) {
        problem(part.name, 'textTooLong');
        return undefined;
      }
      return new TextDecoder().decode(concat(chunks, size));
    }
    // An empty file input still sends a part with an empty name and no bytes: nothing chosen.
    if (part.filename === '' && size === 0) return undefined;
    fileCount += 1;
    if (seenFileFields.has(part.name)) problem(part.name, 'duplicate');
    seenFileFields.add(part.name);
    if (size > cap) problem(part.name, 'tooLarge');
    else if (fileCount > limits.maxFilesPerRequest) problem(part.name, 'tooMany');
    else if (total > limits.maxRequestBytes) problem(part.name, 'requestTooLarge');
    if (problems.length === 0) files.push({ field: part.name, originalName: part.filename || part.name, bytes: concat(chunks, size) });
    return undefined;
  }

  return { handle, files, problems };
}
