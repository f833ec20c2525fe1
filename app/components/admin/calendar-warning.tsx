import { useTranslation } from 'react-i18next';

/** Shown to administrators from 1 November while next year's calendar is not published (services/calendar/calendar-years.ts missingNextYear). */
export function CalendarWarning({ year }: { year: number | null }) {
  const { t } = useTranslation('adminCatalog');
  if (!year) return null;
  return (
    <div className="notice-warn" role="status">
      <p>{t('adminCatalog:calendar.warningNextYear', { year })}</p>
    </div>
  );
}
