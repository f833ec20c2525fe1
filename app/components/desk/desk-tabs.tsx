import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { DeskCounts } from '#services/queue/desk';
import { DESK_TABS, type DeskTab } from '#services/queue/desk-tabs';
import { deskHref } from './desk-links';

/** The desk's three lists as links, each with its count; the current one is marked for assistive technology. */
export function DeskTabs({ tab, counts, searching }: { tab: DeskTab; counts: DeskCounts['tabs']; searching: boolean }) {
  const { t } = useTranslation('desk');
  return (
    <nav className="desk-tabs" aria-label={t('desk:tabs.label')}>
      <ul role="list">
        {DESK_TABS.map((k) => (
          <li key={k}>
            <Link to={deskHref(k)} aria-current={!searching && k === tab ? 'page' : undefined}>
              {t(`desk:tabs.${k}`, { count: counts[k] })}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
