import type { Config } from '../context.js';
import { DomainError } from '../errors.js';
import type { UploadProblem } from './upload-receiver.js';

/**
 * A field error carrying parameters, in the `key|{json}` form the form components decode
 * (app/components/forms/translate-error.ts).
 */
export const fieldError = (key: string, params?: Record<string, string | number>) =>
  params ? `${key}|${JSON.stringify(params)}` : key;

export const mib = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 10) / 10;

/**
 * Turns what the upload receiver noticed (too large, too many, two files for one item) into one
 * error with a message beside each field, for every form that takes files. 413 when a file limit
 * was hit, 400 otherwise; nothing from the request is kept.
 */
export function refuseUploadProblems(
  problems: readonly UploadProblem[],
  config: Pick<Config, 'maxFileBytes' | 'maxFilesPerRequest' | 'maxRequestBytes'>,
): void {
  if (problems.length === 0) return;
  // Keyed by field names as posted: '__proto__' or 'constructor' must be keys, not Object.prototype's.
  const fieldErrors: Record<string, string[]> = Object.create(null);
  let tooLarge = false;
  for (const p of problems) {
    const message =
      p.code === 'tooLarge'
        ? fieldError('apply.fileTooLarge', { max: mib(config.maxFileBytes) })
        : p.code === 'tooMany'
          ? fieldError('apply.tooManyFiles', { max: config.maxFilesPerRequest })
          : p.code === 'requestTooLarge'
            ? fieldError('apply.requestTooLarge', { max: mib(config.maxRequestBytes) })
            : p.code === 'textTooLong'
              ? 'tooLong'
              : 'apply.oneFilePerMaterial';
    (fieldErrors[p.field] ??= []).push(message);
    if (p.code !== 'duplicate' && p.code !== 'textTooLong') tooLarge = true;
  }
  // A text too long is the citizen's typing, not a file: 400, and the summary says to correct the
  // fields marked, not to choose a smaller file.
  const onlyText = problems.every((p) => p.code === 'textTooLong');
  if (tooLarge) throw new DomainError('upload.tooLarge', 413, { fieldErrors });
  throw new DomainError(onlyText ? 'form.invalid' : 'upload.invalid', 400, { fieldErrors });
}
