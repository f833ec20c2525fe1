import { dictionary } from '@zxcvbn-ts/language-common';
import { DomainError } from '../errors.js';
import { passwordIsPersonal, passwordRuleProblem, type PasswordProblem } from './password-rules.js';

/**
 * Common and breached passwords, refused wherever a password is set (NIST SP 800-63B 5.1.1.2).
 * The list is zxcvbn's (@zxcvbn-ts/language-common, MIT): 49,233 passwords ranked by frequency
 * in public breach corpora, all lower-case, so a password is looked up lower-cased and
 * "PassWord1" is refused like "password1". Server only: it is ~380 kB, kept out of the browser.
 */
const COMMON = new Set(dictionary['passwords-common'].map((p) => String(p).toLowerCase()));

export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  return COMMON.has(lower) || COMMON.has(lower.trim());
}

/** Why a new password is refused, or null: the rules, the person's own identifiers, then the list. */
export function passwordProblem(password: string, who: { idNumber?: string | null; mobile?: string | null }): PasswordProblem | null {
  return passwordRuleProblem(password) ?? (passwordIsPersonal(password, who) ? 'password.personal' : isCommonPassword(password) ? 'password.common' : null);
}

/** Throws a 400 beside the password field (a `validation` key) when the new password is refused. */
export function assertAcceptablePassword(password: string, who: { idNumber?: string | null; mobile?: string | null }): void {
  const problem = passwordProblem(password, who);
  if (problem) throw new DomainError('form.invalid', 400, { fieldErrors: { password: [problem] } });
}
