/**
 * The password rules that need no list, shared by the sign-up form (in the browser too) and the
 * service. NIST SP 800-63B 5.1.1.2 asks for no composition rules but for refusing values that
 * are expected or easy to guess: these are the ones a rule can recognise; common and breached
 * passwords are in the list (password-policy.ts, server only).
 */
export type PasswordProblem = 'password.blank' | 'password.uniform' | 'password.personal' | 'password.common';

/** Fewer different characters than this is a pattern, not a password: 12121212, abcabcabc. */
const MIN_DISTINCT = 4;

/** All whitespace, too few distinct characters, or one straight run (12345678, hgfedcba). */
export function passwordRuleProblem(password: string): 'password.blank' | 'password.uniform' | null {
  if (password.trim() === '') return 'password.blank';
  const chars = [...password];
  if (new Set(chars).size < MIN_DISTINCT) return 'password.uniform';
  const steps = new Set(chars.slice(1).map((c, i) => c.codePointAt(0)! - chars[i].codePointAt(0)!));
  if (steps.size === 1) return 'password.uniform';
  return null;
}

/**
 * The person's own ID number or mobile number as the password: the first thing anyone who
 * knows them, or holds a leaked ID list, would try. Spaces, case and a +86 prefix do not hide it.
 */
export function passwordIsPersonal(password: string, who: { idNumber?: string | null; mobile?: string | null }): boolean {
  const p = password.replace(/\s+/g, '').toUpperCase();
  const own = [who.idNumber, who.mobile, who.mobile ? `+86${who.mobile}` : null, who.mobile ? `86${who.mobile}` : null];
  return own.some((v) => !!v && v.replace(/\s+/g, '').toUpperCase() === p);
}
