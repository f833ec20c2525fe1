import { Form } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { Desk, DeskFilters as Filters } from '#services/queue/desk';

/** A GET form: filters live in the URL, so they work without JS and can be bookmarked. */
export function DeskFilters({ counts, filters, total }: { counts: Desk['counts']; filters: Filters; total: number }) {
  const { t } = useTranslation(['desk', 'catalog', 'common', 'applications']);
  const select = (name: 'department' | 'service' | 'status', entries: Record<string, number>, label: (k: string) => string) => (
    <div className="field">
      <label htmlFor={`filter-${name}`}>{t(`desk:filters.${name}`)}</label>
      <select id={`filter-${name}`} name={name} defaultValue={filters[name] ?? ''}>
        <option value="">{t('desk:filters.all', { count: total })}</option>
        {Object.entries(entries).map(([k, n]) => (
          <option key={k} value={k}>
            {t('desk:filters.option', { label: label(k), count: n })}
          </option>
        ))}
      </select>
    </div>
  );
  return (
    <Form method="get" className="desk-filters card" aria-label={t('desk:filters.label')}>
      {select('department', counts.department, (k) => t(`common:departments.${k}`))}
      {select('service', counts.service, (k) => t(`catalog:services.${k}.name`))}
      {select('status', counts.status, (k) => t(`applications:status.${k}`))}
      <fieldset className="field">
        <legend>{t('desk:filters.more')}</legend>
        <div className="choices">
          <div className="choice">
            <input type="checkbox" id="filter-overdue" name="overdue" value="1" defaultChecked={!!filters.overdue} />
            <label htmlFor="filter-overdue">{t('desk:filters.overdue', { count: counts.overdue })}</label>
          </div>
          <div className="choice">
            <input type="checkbox" id="filter-mine" name="mine" value="1" defaultChecked={!!filters.mine} />
            <label htmlFor="filter-mine">{t('desk:filters.mine', { count: counts.mine })}</label>
          </div>
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="button secondary">
          {t('desk:filters.apply')}
        </button>
        <a href="/desk">{t('desk:filters.clear')}</a>
      </div>
    </Form>
  );
}
