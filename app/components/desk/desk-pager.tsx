import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { DeskFilters, DeskTab } from '#services/queue/desk';
import { deskHref } from './desk-links';

/** Previous / next page links and where the reader is; nothing when everything fits on one page. */
export function DeskPager({ tab, filters, page, pages }: { tab: DeskTab; filters: DeskFilters; page: number; pages: number }) {
  const { t } = useTranslation('desk');
  if (pages <= 1) return null;
  return (
    <nav className="desk-pager actions" aria-label={t('desk:pager.label')}>
      {page > 1 && (
        <Link to={deskHref(tab, { ...filters, page: page - 1 })} rel="prev">
          {t('desk:pager.previous')}
        </Link>
      )}
      <span>{t('desk:pager.position', { page, pages })}</span>
      {page < pages && (
        <Link to={deskHref(tab, { ...filters, page: page + 1 })} rel="next">
          {t('desk:pager.next')}
        </Link>
      )}
    </nav>
  );
}
