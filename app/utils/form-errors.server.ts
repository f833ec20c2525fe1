import type { Submission, SubmissionResult } from '@conform-to/react';
import { json } from '@remix-run/node';
import type { DomainError } from '#services/errors';
import { encodeError } from '~/components/forms/translate-error';

type AnySubmission = Pick<Submission<unknown>, 'reply'>;
type ReplyExtras = { hideFields?: string[] };

/**
 * Turns a DomainError from a service into what conform shows: its code (with params) as a
 * form-level error in the `errors` namespace, its fieldErrors (validation keys) beside the fields.
 * Entered values are kept, except `hideFields` (passwords).
 */
export function replyWithDomainError(submission: AnySubmission, e: DomainError, extras: ReplyExtras = {}): SubmissionResult<string[]> {
  return submission.reply({
    formErrors: [encodeError(`errors:${e.code}`, e.params)],
    fieldErrors: e.fieldErrors,
    hideFields: extras.hideFields,
  });
}

/** The usual action answer for a failed form: `{ lastResult }` with the error's status. */
export function domainErrorResponse(submission: AnySubmission, e: DomainError, extras: ReplyExtras = {}) {
  return json({ lastResult: replyWithDomainError(submission, e, extras) }, { status: e.status });
}

/** The answer for input that failed the schema: 400, errors beside fields, values kept. */
export function invalidResponse(submission: AnySubmission, extras: ReplyExtras & { formErrors?: string[] } = {}) {
  const options = extras.formErrors ? { formErrors: extras.formErrors, hideFields: extras.hideFields } : { hideFields: extras.hideFields };
  return json({ lastResult: submission.reply(options) }, { status: 400 });
}
