import type { DeskFilters, DeskTab } from '#services/queue/desk';

/** The desk's URL for a tab, filters and page: every list view is a plain link (no JS). */
export function deskHref(tab: DeskTab, f: Omit<DeskFilters, 'tab'> = {}): string {
  const p = new URLSearchParams();
  if (tab !== 'work') p.set('tab', tab);
  if (f.department) p.set('department', f.department);
  if (f.service) p.set('service', f.service);
  if (f.status) p.set('status', f.status);
  if (f.overdue) p.set('overdue', '1');
  if (f.page && f.page > 1) p.set('page', String(f.page));
  const q = p.toString();
  return q ? `/desk?${q}` : '/desk';
}
