/**
 * A setting an operator gave (or left out) that the process cannot start with: a missing secret,
 * a malformed key, an unsafe proxy setting. Its message says which setting and what to do, so the
 * process prints that sentence alone, without a stack (server/settings.ts startupFailure): the
 * stack would point at our parser, not at the operator's mistake.
 */
export class SettingError extends Error {
  override name = 'SettingError';
}
