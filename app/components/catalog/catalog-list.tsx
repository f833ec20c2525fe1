import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { CatalogEntry } from '#services/catalog/guide';
import { formatCommitted, formatYuan } from './format';

type Department = { department: string; departmentKey: string; services: CatalogEntry[] };

/** The catalog grouped by department, one card per item linking to its guide. */
export function CatalogList({ departments, locale }: { departments: Department[]; locale: string }) {
  const { t } = useTranslation(['catalog', 'common']);
  const fee = (s: CatalogEntry) =>
    s.fee.kind === 'free'
      ? t('common:format.free')
      : s.fee.kind === 'fixed'
        ? formatYuan(s.fee.amount, locale)
        : t('catalog:catalogPage.feeFrom', { amount: formatYuan(s.fee.amount, locale) });
  return (
    <>
      <nav aria-label={t('catalog:guide.contents')} className="department-nav">
        <ul>
          {departments.map((d) => (
            <li key={d.department}>
              <a href={`#dept-${d.department}`}>
                {t(d.departmentKey)} <span className="muted">({d.services.length})</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {departments.map((d) => (
        <section key={d.department} className="department" aria-labelledby={`dept-${d.department}`}>
          <h2 id={`dept-${d.department}`}>{t(d.departmentKey)}</h2>
          <ul className="service-list">
            {d.services.map((s) => (
              <li key={s.code} className="card service-card" data-service={s.code}>
                <h3>
                  <Link to={s.guideHref}>{t(s.nameKey)}</Link>
                </h3>
                {(s.crossProvince || s.mode === 'online') && (
                  <p className="badges">
                    {s.crossProvince && <span className="badge ok">{t(s.crossProvinceKey)}</span>}
                    {s.mode === 'online' && <span className="badge">{t('catalog:catalogPage.onlineBadge')}</span>}
                  </p>
                )}
                <p className="service-summary">{t(s.summaryKey)}</p>
                <dl className="service-meta">
                  <div>
                    <dt>{t('catalog:catalogPage.committed')}</dt>
                    <dd>{formatCommitted(t, s.committedWorkingDays)}</dd>
                  </div>
                  <div>
                    <dt>{t('catalog:catalogPage.fee')}</dt>
                    <dd>{fee(s)}</dd>
                  </div>
                  <div>
                    <dt>{t('catalog:catalogPage.visits')}</dt>
                    <dd>{t(s.visits === 0 ? 'catalog:catalogPage.visitsNone' : 'catalog:catalogPage.visitsOne')}</dd>
                  </div>
                </dl>
                <p className="service-actions">
                  <Link className="button secondary" to={s.guideHref} aria-label={t('catalog:catalogPage.viewGuideFor', { name: t(s.nameKey) })}>
                    {t('catalog:catalogPage.viewGuide')}
                  </Link>
                </p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
