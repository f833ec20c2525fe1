import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { DeskCounts, DeskFilters as Filters, DeskTab } from '#services/queue/desk';

/**
 * A GET form: filters live in the URL, so they work without JS and can be bookmarked. Each
 * option's count is what choosing it would list in this tab, the other filters kept.
 */
export function DeskFilters({ tab, counts, filters }: { tab: DeskTab; counts: DeskCounts; filters: Filters }) {
  const { t } = useTranslation(['desk', 'catalog', 'common', 'applications']);
  const select = (name: 'department' | 'service' | 'status', entries: Record<string, number>, label: (k: string) => string) => {
    const chosen = filters[name];
    // A chosen option stays listed (with 0) so the form shows what is applied.
    const keys = Object.keys(entries);
    if (chosen && !keys.includes(chosen)) keys.push(chosen);
    return (
      <div className="field">
        <label htmlFor={`filter-${name}`}>{t(`desk:filters.${name}`)}</label>
        <select id={`filter-${name}`} name={name} defaultValue={chosen ?? ''}>
          <option value="">{t('desk:filters.all')}</option>
          {keys.sort().map((k) => (
            <option key={k} value={k}>
              {t('desk:filters.option', { label: label(k), count: entries[k] ?? 0 })}
            </option>
          ))}
        </select>
      </div>
    );
  };
  return (
    <Form method="get" className="desk-filters card" aria-label={t('desk:filters.label')}>
      {tab !== 'work' && <input type="hidden" name="tab" value={tab} />}
      {select('department', counts.department, (k) => t(`common:departments.${k}`))}
      {select('service', counts.service, (k) => t(`catalog:services.${k}.name`))}
      {select('status', counts.status, (k) => t(`applications:status.${k}`))}
      {tab !== 'waiting' && (
        <fieldset className="field">
          <legend>{t('desk:filters.more')}</legend>
          <div className="choices">
            <div className="choice">
              <input type="checkbox" id="filter-overdue" name="overdue" value="1" defaultChecked={!!filters.overdue} />
              <label htmlFor="filter-overdue">{t('desk:filters.overdue', { count: counts.overdue })}</label>
            </div>
          </div>
        </fieldset>
      )}
      <div className="actions">
        <button type="submit" className="button secondary">
          {t('desk:filters.apply')}
        </button>
        <a href={tab === 'work' ? '/desk' : `/desk?tab=${tab}`}>{t('desk:filters.clear')}</a>
      </div>
    </Form>
  );
}
