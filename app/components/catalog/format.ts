import { numberFormat } from '../intl';

/** The slice of i18next's t these helpers need. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * Yuan as each language writes it: ¥120 in Chinese; CNY 120 in English, where a bare ¥ could
 * be read as yen. Whole yuan show no decimals.
 */
export function formatYuan(amount: number, locale: string): string {
  return numberFormat(locale, {
    style: 'currency',
    currency: 'CNY',
    currencyDisplay: locale.startsWith('zh') ? 'symbol' : 'code',
    minimumFractionDigits: Number.isInteger(amount) ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(amount);
}

/** A committed limit in working days; 0 is on the spot (即办件). */
export function formatCommitted(t: Translate, days: number): string {
  return days === 0 ? t('common:format.onTheSpot') : t('common:format.workingDays', { count: days });
}

export function formatLimit(t: Translate, limit: { days: number; unit: 'working' | 'calendar' }): string {
  return limit.unit === 'working'
    ? t('common:format.workingDays', { count: limit.days })
    : t('common:format.calendarDays', { count: limit.days });
}
