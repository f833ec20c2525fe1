import type { Role } from '#services/context';

/** Where people land after signing in when no (safe) redirectTo was given: one answer per role. */
export function homeFor(role: Role | string): string {
  return role === 'citizen' ? '/applications' : role === 'admin' ? '/admin' : '/desk';
}
