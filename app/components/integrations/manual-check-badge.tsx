import { useTranslation } from 'react-i18next';

/**
 * "Manual check" on a desk row or review page when exit-entry controls answered a hit or could
 * not be asked (applications.manual_check). The title says which, for the clerk; the route must
 * load the `integrations` namespace.
 */
export function ManualCheckBadge({ reason }: { reason: 'controlsHit' | 'controlsUnavailable' | null }) {
  const { t } = useTranslation('integrations');
  if (!reason) return null;
  return (
    <span className="badge warn" title={t(`manualCheck.${reason}`)}>
      {t('manualCheck.badge')}
      <span className="visually-hidden">: {t(`manualCheck.${reason}`)}</span>
    </span>
  );
}
