import type { Role } from '#services/context';

/**
 * Where a signed-in person lands when no (safe) redirectTo was given, and where their nav's work
 * link points: an administrator on administration, a city manager works on reports (they hold no desk of their own office), every
 * other staff member on the desk, a citizen on their applications.
 */
export function homeFor(user: { role: Role | string; managerScope?: 'office' | 'city' | 'province' | null }): string {
  if (user.role === 'citizen') return '/applications';
  if (user.role === 'admin') return '/admin';
  if (user.role === 'manager' && (user.managerScope === 'city' || user.managerScope === 'province')) return '/reports';
  return '/desk';
}
