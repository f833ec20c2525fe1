import { useTranslation } from 'react-i18next';
import type { Filing } from '#services/applications/read';

/**
 * Who filed for whom, with both names masked (张*): "filed for you by 张* (guardian)" to the subject,
 * "you filed as guardian for 李*" to the filer, "张* (guardian) for 李*" to staff.
 */
export function FilingLine({ filing, staff = false }: { filing: Filing; staff?: boolean }) {
  const { t } = useTranslation('applications');
  const params = { filer: filing.filerName, subject: filing.subjectName, relation: t(`filing.relation.${filing.filedAs}`) };
  const key = staff ? 'filing.staff' : filing.forYou ? 'filing.forYou' : 'filing.byYou';
  return <p className="hint filing-line">{t(key, params)}</p>;
}
