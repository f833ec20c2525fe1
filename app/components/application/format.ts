import { numberFormat, dateTimeFormat } from '../intl';
/**
 * Dates as people read them in their language. Days ('YYYY-MM-DD') are China calendar days and
 * are shown as such; instants are shown in China Standard Time, where the offices are, whatever
 * the server's or the browser's zone.
 */
export function formatDay(day: string | null | undefined, locale: string): string {
  if (!day) return '';
  return dateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

export function formatInstant(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  return dateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Shanghai' }).format(new Date(iso));
}

export function formatBytes(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${numberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}
