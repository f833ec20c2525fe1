import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { ServiceGuide as Guide } from '#services/catalog/guide';
import { formatCommitted, formatLimit, formatYuan } from './format';

/** The public 办事指南 of one catalog item, rendered from its serialisable guide view. */
export function ServiceGuide({ guide, locale }: { guide: Guide; locale: string }) {
  const { t } = useTranslation(['catalog', 'common']);
  const always = guide.materials.filter((m) => m.conditionKey === null);
  const conditional = guide.materials.filter((m) => m.conditionKey !== null);
  const id = (section: string) => `guide-${section}`;
  const fee =
    guide.fee.summary.kind === 'free'
      ? t('catalog:guide.free')
      : guide.fee.summary.kind === 'fixed'
        ? formatYuan(guide.fee.summary.amount, locale)
        : t('catalog:catalogPage.feeFrom', { amount: formatYuan(guide.fee.summary.amount, locale) });

  return (
    <div className="container guide">
      <nav aria-label={t('catalog:guide.breadcrumbLabel')} className="breadcrumb">
        <ol>
          <li>
            <Link to="/services">{t('catalog:guide.breadcrumb')}</Link>
          </li>
          <li>{t(`common:departments.${guide.department}`)}</li>
          <li aria-current="page">{t(guide.nameKey)}</li>
        </ol>
      </nav>

      <header className="guide-header">
        <p className="eyebrow">{t(`common:departments.${guide.department}`)}</p>
        <h1>{t(guide.nameKey)}</h1>
        <p className="lead">{t(guide.summaryKey)}</p>
        <p className="badges">
          {guide.crossProvince && <span className="badge ok">{t(guide.crossProvinceKey)}</span>}
          <span className="badge">{t(guide.handling.modeKey)}</span>
          <span className="badge">{t('catalog:guide.committedBadge', { limit: formatCommitted(t, guide.timeLimits.committedWorkingDays) })}</span>
        </p>
        <p className="actions">
          <Link className="button" to={guide.applyHref}>
            {t('catalog:guide.apply')}
          </Link>
          <span className="muted">{t('catalog:guide.applyHint')}</span>
        </p>
      </header>

      <div className="guide-layout">
        <div className="guide-main">
          <section className="card" aria-labelledby={id('overview')}>
            <h2 id={id('overview')}>{t('catalog:guide.overview')}</h2>
            <dl className="facts">
              <dt>{t('catalog:guide.department')}</dt>
              <dd>{t(`common:departments.${guide.department}`)}</dd>
              <dt>{t('catalog:guide.committedLimit')}</dt>
              <dd>{formatCommitted(t, guide.timeLimits.committedWorkingDays)}</dd>
              <dt>{t('catalog:guide.statutoryLimit')}</dt>
              <dd>{guide.timeLimits.statutory ? formatLimit(t, guide.timeLimits.statutory) : t('catalog:guide.noStatutoryLimit')}</dd>
              <dt>{t('catalog:catalogPage.fee')}</dt>
              <dd>{fee}</dd>
              <dt>{t('catalog:guide.handling')}</dt>
              <dd>{t(guide.handling.modeKey)}</dd>
              <dt>{t('catalog:guide.visits')}</dt>
              <dd>{t(guide.handling.visits === 0 ? 'catalog:guide.visitsNone' : 'catalog:guide.visitsOne')}</dd>
              <dt>{t(guide.crossProvinceKey)}</dt>
              <dd>{t(guide.crossProvince ? 'common:yes' : 'common:no')}</dd>
            </dl>
          </section>

          <section className="card" aria-labelledby={id('eligibility')}>
            <h2 id={id('eligibility')}>{t('catalog:guide.eligibility')}</h2>
            <p>{t(guide.eligibilityKey)}</p>
          </section>

          <section className="card" aria-labelledby={id('materials')}>
            <h2 id={id('materials')}>{t('catalog:guide.materials')}</h2>
            <p className="muted">{t('catalog:guide.materialsIntro')}</p>
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t('catalog:guide.materials')}>
              <table className="materials-table">
                <thead>
                  <tr>
                    <th scope="col">{t('catalog:guide.materialName')}</th>
                    <th scope="col">{t('catalog:guide.materialRequirement')}</th>
                    <th scope="col">{t('catalog:guide.materialWhen')}</th>
                  </tr>
                </thead>
                <tbody>
                  {guide.materials.map((m) => (
                    <tr key={m.code} data-material={m.code}>
                      <th scope="row">{t(m.nameKey)}</th>
                      <td>{t(m.requirementKey)}</td>
                      <td>
                        {m.conditionKey === null ? (
                          <span className="badge">{t('catalog:guide.always')}</span>
                        ) : (
                          <>
                            <span className="badge warn">{t('catalog:guide.conditional')}</span>
                            <span className="condition">{t(m.conditionKey)}</span>
                          </>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section className="card" aria-labelledby={id('limits')}>
            <h2 id={id('limits')}>{t('catalog:guide.timeLimits')}</h2>
            <dl className="facts">
              <dt>{t('catalog:guide.statutoryLimit')}</dt>
              <dd>
                {guide.timeLimits.statutory ? (
                  <>
                    {formatLimit(t, guide.timeLimits.statutory)}
                    <br />
                    <span className="muted">{t('catalog:guide.limitBasis', { basis: t(guide.timeLimits.statutory.basisKey) })}</span>
                  </>
                ) : (
                  t('catalog:guide.noStatutoryLimit')
                )}
              </dd>
              <dt>{t('catalog:guide.committedLimit')}</dt>
              <dd>{formatCommitted(t, guide.timeLimits.committedWorkingDays)}</dd>
            </dl>
            {guide.timeLimits.cases.length > 0 && (
              <div className="table-wrap">
                <table data-commitments="">
                  <caption>{t('catalog:guide.casesCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('catalog:guide.caseName')}</th>
                      <th scope="col">{t('catalog:guide.committedLimit')}</th>
                      <th scope="col">{t('catalog:guide.visits')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {guide.timeLimits.cases.map((k) => (
                      <tr key={k.labelKey}>
                        <th scope="row">{t(k.labelKey)}</th>
                        <td>
                          {k.unit === 'working' ? formatCommitted(t, k.days) : formatLimit(t, { days: k.days, unit: 'calendar' })}
                          <br />
                          <span className="muted">{t('catalog:guide.limitBasis', { basis: t(k.basisKey) })}</span>
                        </td>
                        <td>{t(k.visits === 0 ? 'catalog:guide.visitsNone' : 'catalog:guide.visitsOne')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <p className="muted small">{t('catalog:guide.sameDayRule')}</p>
            <p className="muted small">{t('catalog:guide.oneTimeNotice')}</p>
          </section>

          <section className="card" aria-labelledby={id('fees')}>
            <h2 id={id('fees')}>{t('catalog:guide.fees')}</h2>
            {guide.fee.lines.length === 0 ? (
              <p>
                <strong>{t('catalog:guide.free')}</strong>
              </p>
            ) : (
              <div className="table-wrap" tabIndex={0} role="region" aria-label={t('catalog:guide.fees')}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('catalog:guide.feeItem')}</th>
                      <th scope="col" className="num">
                        {t('catalog:guide.feeAmount')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {guide.fee.lines.map((l) => (
                      <tr key={l.key}>
                        <td>{t(l.key)}</td>
                        <td className="num">{formatYuan(l.amount, locale)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {guide.fee.varies && <p className="muted">{t('catalog:guide.feeVaries')}</p>}
            {guide.fee.basisKey && <p className="muted">{t('catalog:guide.feeBasis', { basis: t(guide.fee.basisKey) })}</p>}
          </section>

          <section className="card" aria-labelledby={id('place')}>
            <h2 id={id('place')}>{t('catalog:guide.place')}</h2>
            <p>{t(guide.placeKey)}</p>
            <dl className="facts">
              <dt>{t('catalog:guide.handling')}</dt>
              <dd>{t(guide.handling.modeKey)}</dd>
              <dt>{t('catalog:guide.visits')}</dt>
              <dd>{t(guide.handling.visits === 0 ? 'catalog:guide.visitsNone' : 'catalog:guide.visitsOne')}</dd>
              <dt>{t(guide.crossProvinceKey)}</dt>
              <dd>{t(guide.crossProvince ? 'common:yes' : 'common:no')}</dd>
              <dt>{t('catalog:guide.handledBy')}</dt>
              <dd>{t(guide.jurisdiction.key)}</dd>
            </dl>
          </section>

          <section className="card" aria-labelledby={id('basis')}>
            <h2 id={id('basis')}>{t('catalog:guide.legalBasis')}</h2>
            <ul className="basis-list">
              {guide.legalBasisKeys.map((k) => (
                <li key={k}>{t(k)}</li>
              ))}
            </ul>
          </section>
        </div>

        <aside className="guide-aside" aria-labelledby={id('prepare')}>
          <div className="card prepare">
            <h2 id={id('prepare')}>{t('catalog:guide.prepare')}</h2>
            <p>{t('catalog:guide.prepareAlways')}</p>
            <ol className="checklist">
              {always.map((m) => (
                <li key={m.code}>{t(m.nameKey)}</li>
              ))}
            </ol>
            {conditional.length > 0 && (
              <>
                <p>{t('catalog:guide.prepareIfApplies')}</p>
                <ul className="checklist conditional">
                  {conditional.map((m) => (
                    <li key={m.code}>
                      {t(m.nameKey)}
                      <span className="condition">{t(m.conditionKey as string)}</span>
                    </li>
                  ))}
                </ul>
              </>
            )}
            <p className="muted small">{t('catalog:guide.prepareNote')}</p>
            <p>
              <Link className="button block" to={guide.applyHref}>
                {t('catalog:guide.apply')}
              </Link>
            </p>
          </div>
        </aside>
      </div>
    </div>
  );
}
