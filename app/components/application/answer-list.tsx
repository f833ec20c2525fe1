import { useTranslation } from 'react-i18next';
import type { AnswerLine } from '#services/applications/answer-lines';
import { formatList } from '~/components/intl';
import { useOfficeName } from '~/utils/office-name';

/**
 * The answers as a description list, labelled as the form labels them. With `changeHref`, each
 * row links back to its field on the form (check your answers); the link names the field for
 * screen readers, since "change" alone is ambiguous in a list of links.
 */
export function AnswerList({ lines, changeHref }: { lines: readonly AnswerLine[]; changeHref?: (field: string) => string }) {
  const { t, i18n } = useTranslation(['applications', 'catalog', 'common']);
  const { label } = useOfficeName();
  return (
    <dl className="facts answer-list">
      {lines.map((l) => (
        <div key={l.field} className="facts-row">
          <dt>{t(l.labelKey)}</dt>
          <dd>
            {formatList(
              l.values.map((v) => ('key' in v ? label(v.key) : v.text)),
              i18n.language,
            )}
            {changeHref && (
              <>
                {' '}
                <a className="change-link" href={changeHref(l.field)}>
                  {t('applications:check.change')}
                  <span className="visually-hidden"> {t(l.labelKey)}</span>
                </a>
              </>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
