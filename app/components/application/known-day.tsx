import { useTranslation } from 'react-i18next';
import { formatDay } from './format';

/**
 * A deadline, or — when it could not be counted because its calendar year is not entered yet —
 * the sentence that says so and names the year (docs/decisions/0028). Never a guessed date.
 */
export function KnownDay({ day, pendingYear, locale }: { day: string | null; pendingYear: number | null; locale: string }) {
  const { t } = useTranslation('common');
  if (day) return <time dateTime={day}>{formatDay(day, locale)}</time>;
  if (pendingYear) return <span className="muted">{t('common:calendar.dateNotKnown', { year: pendingYear })}</span>;
  return null;
}
