import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { ServiceGuide as Guide } from '#services/catalog/guide';
import { formatDay } from '~/components/application/format';
import { formatCommitted, formatLimit, formatYuan } from './format';
import { TableScroll } from '~/components/scroll-region';

/** Text the published list gives in both languages, in the reader's ('zh-CN' → zh). */
const inLocale = (text: { zh: string; en: string } | null, locale: string) => (text ? (locale === 'en' ? text.en : text.zh) : null);

/** The sections of a 一网通办 guide, in their order. */
const SECTIONS = ['conditions', 'materials', 'process', 'limits', 'basis', 'faq'] as const;
/** Questions every guide answers; forOthers depends on whom the item lets one file for. */
const FAQ = ['saveDraft', 'files', 'forOthers', 'change', 'track'] as const;

/** The public 办事指南 of one catalog item, rendered from its serialisable guide view. */
export function ServiceGuide({ guide, locale }: { guide: Guide; locale: string }) {
  const { t } = useTranslation(['catalog', 'common']);
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
        {guide.crossProvince && (
          <p className="badges">
            <span className="badge ok">{t(guide.crossProvinceKey)}</span>
          </p>
        )}
        {guide.version && (
          <p className="muted" data-item-version={guide.version.number}>
            {t('catalog:guide.versionInForce', { version: guide.version.number, date: formatDay(guide.version.effectiveFrom, locale) })}
          </p>
        )}
        {guide.offered ? (
          <p className="actions">
            <Link className="button" to={guide.applyHref}>
              {t('catalog:guide.apply')}
            </Link>
            <span className="muted">{t('catalog:guide.applyHint')}</span>
          </p>
        ) : (
          <p className="notice-warn" role="status">
            {t('catalog:guide.notOffered')}
          </p>
        )}
        <nav aria-labelledby={id('contents')} className="guide-contents">
          <h2 id={id('contents')} className="small-heading">
            {t('catalog:guide.contents')}
          </h2>
          <ol>
            {SECTIONS.map((s) => (
              <li key={s}>
                <a href={`#${id(s)}`}>{t(`catalog:guide.sections.${s}`)}</a>
              </li>
            ))}
          </ol>
        </nav>
      </header>

      {/* The 一网通办 order; each fact in one section only (decision 0030). */}
      <div className="guide-main">
        <section className="card" aria-labelledby={id('conditions')}>
          <h2 id={id('conditions')}>{t('catalog:guide.sections.conditions')}</h2>
          <p>{t(guide.eligibilityKey)}</p>
        </section>

        <section className="card" aria-labelledby={id('materials')}>
          <h2 id={id('materials')}>{t('catalog:guide.sections.materials')}</h2>
          <p className="muted">{t('catalog:guide.materialsIntro')}</p>
          <TableScroll label={t('catalog:guide.sections.materials')}>
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
                    <td>
                      {inLocale(m.requirementText, locale) ?? t(m.requirementKey)}
                      {m.exampleText && (
                        <>
                          <br />
                          <span className="muted">{t('catalog:guide.materialExample', { example: inLocale(m.exampleText, locale) })}</span>
                        </>
                      )}
                    </td>
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
          </TableScroll>
        </section>

        <section className="card" aria-labelledby={id('process')}>
          <h2 id={id('process')}>{t('catalog:guide.sections.process')}</h2>
          <ol className="steps">
            <li>
              <span className="badge">{t('catalog:guide.who.applicant')}</span> {t('catalog:guide.steps.apply')}
            </li>
            <li>
              <span className="badge">{t('catalog:guide.who.office')}</span> {t(guide.jurisdiction.key)}
              {t('catalog:guide.steps.reviewSeparator')}
              {t('catalog:guide.oneTimeNotice')}
            </li>
            <li>
              <span className="badge">{t('catalog:guide.who.applicant')}</span> {t('catalog:guide.steps.supplement')}
            </li>
            <li>
              <span className="badge">{t('catalog:guide.who.office')}</span> {t('catalog:guide.steps.decide')}
            </li>
            <li>
              <span className="badge">{t('catalog:guide.who.applicant')}</span> {t(`catalog:guide.steps.result.${guide.handling.mode}`)}{' '}
              {t(guide.handling.visits === 0 ? 'catalog:guide.visitsNoneSentence' : 'catalog:guide.visitsOneSentence')}
            </li>
          </ol>
          <h3>{t('catalog:guide.place')}</h3>
          <p>{inLocale(guide.texts.place, locale) ?? t(guide.placeKey)}</p>
          {guide.texts.hours && (
            <>
              <h3>{t('catalog:guide.hours')}</h3>
              <p>{inLocale(guide.texts.hours, locale)}</p>
            </>
          )}
          {guide.texts.notes && (
            <>
              <h3>{t('catalog:guide.listNotes')}</h3>
              <p style={{ whiteSpace: 'pre-wrap' }}>{inLocale(guide.texts.notes, locale)}</p>
            </>
          )}
        </section>

        <section className="card" aria-labelledby={id('limits')}>
          <h2 id={id('limits')}>{t('catalog:guide.sections.limits')}</h2>
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
            <dt>{t('catalog:catalogPage.fee')}</dt>
            <dd>{guide.fee.lines.length === 0 ? <strong>{t('catalog:guide.free')}</strong> : fee}</dd>
          </dl>
          {guide.timeLimits.cases.length > 0 && (
            <TableScroll label={t('catalog:guide.casesCaption')}>
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
            </TableScroll>
          )}
          <p className="muted small">{t('catalog:guide.sameDayRule')}</p>
          {guide.fee.lines.length > 0 && (
            <TableScroll label={t('catalog:guide.fees')}>
              <table>
                <caption>{t('catalog:guide.fees')}</caption>
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
            </TableScroll>
          )}
          {guide.fee.varies && <p className="muted">{t('catalog:guide.feeVaries')}</p>}
          {guide.fee.basisKey && <p className="muted">{t('catalog:guide.feeBasis', { basis: t(guide.fee.basisKey) })}</p>}
        </section>

        <section className="card" aria-labelledby={id('basis')}>
          <h2 id={id('basis')}>{t('catalog:guide.sections.basis')}</h2>
          <ul className="basis-list">
            {guide.legalBasisKeys.map((k) => (
              <li key={k}>{t(k)}</li>
            ))}
          </ul>
        </section>

        <section className="card" aria-labelledby={id('faq')}>
          <h2 id={id('faq')}>{t('catalog:guide.sections.faq')}</h2>
          <dl className="faq">
            {FAQ.map((q) => (
              <div key={q}>
                <dt>{t(`catalog:guide.faq.${q}.q`)}</dt>
                <dd>{q === 'forOthers' ? t(guide.forOthersKey) : t(`catalog:guide.faq.${q}.a`)}</dd>
              </div>
            ))}
          </dl>
          {guide.offered && (
            <p>
              <Link className="button" to={guide.applyHref}>
                {t('catalog:guide.apply')}
              </Link>
            </p>
          )}
        </section>
      </div>
    </div>
  );
}
