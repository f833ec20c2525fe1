import { describe, expect, it } from 'vitest';
import { DomainError } from '../../services/errors.js';
import { refuseUploadProblems } from '../../services/files/upload-problems.js';
import type { UploadProblem } from '../../services/files/upload-receiver.js';

const limits = { maxFileBytes: 10 * 1024 * 1024, maxFilesPerRequest: 10, maxRequestBytes: 30 * 1024 * 1024 };

function refusal(problems: UploadProblem[]): DomainError {
  try {
    refuseUploadProblems(problems, limits);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('what an upload form says about the problems the receiver noticed', () => {
  it('nothing noticed: nothing refused', () => {
    expect(() => refuseUploadProblems([], limits)).not.toThrow();
  });

  it('a text field too long is a 400 asking to correct the fields, not a file too large', () => {
    const e = refusal([{ field: 'addressRecipient', code: 'textTooLong' }]);
    expect([e.status, e.code]).toEqual([400, 'form.invalid']);
    expect(e.fieldErrors).toEqual({ addressRecipient: ['tooLong'] });
  });

  it('a file too large is a 413, and the text beside it still gets its own message', () => {
    const e = refusal([
      { field: 'addressRecipient', code: 'textTooLong' },
      { field: 'photo', code: 'tooLarge' },
    ]);
    expect([e.status, e.code]).toEqual([413, 'upload.tooLarge']);
    expect(Object.keys(e.fieldErrors).sort()).toEqual(['addressRecipient', 'photo']);
  });

  it('two files for one material is a 400 about the files', () => {
    const e = refusal([{ field: 'photo', code: 'duplicate' }]);
    expect([e.status, e.code]).toEqual([400, 'upload.invalid']);
  });
});
