import { useTranslation } from 'react-i18next';
import { formatInstant } from './format';
import { useOfficeName } from '~/utils/office-name';

export type TimelineItem = { at: string; action: string; toStatus: string | null; officeCode: string | null };

/** The audit trail as the citizen sees it, oldest first. */
export function Timeline({ items, locale }: { items: readonly TimelineItem[]; locale: string }) {
  const { t, i18n } = useTranslation(['applications', 'desk', 'common']);
  const { officeName } = useOfficeName();
  return (
    <ol className="timeline">
      {items.map((item, i) => {
        const office = officeName(item.officeCode);
        // Filing events are labelled in `applications`, the desk's decisions in `desk`.
        const key = [`applications:timeline.${item.action}`, `desk:timeline.${item.action}`].find((k) => i18n.exists(k));
        const label = key
          ? t(key, { office })
          : t('applications:timeline.statusChanged', { status: item.toStatus ? t(`applications:status.${item.toStatus}`) : item.action });
        return (
          <li key={`${item.at}-${i}`}>
            <time dateTime={item.at}>{formatInstant(item.at, locale)}</time>
            <div>{label}</div>
            {office && !key && <div className="muted">{t('applications:timeline.by', { office })}</div>}
          </li>
        );
      })}
    </ol>
  );
}
