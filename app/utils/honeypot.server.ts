import { HONEYPOT_FIELD } from '~/components/forms/honeypot-field';

/** True when the hidden field people cannot see has a value: the submission came from a bot. */
export function isHoneypotFilled(formData: FormData | URLSearchParams): boolean {
  const value = formData.get(HONEYPOT_FIELD);
  return typeof value === 'string' ? value.trim() !== '' : value != null;
}
