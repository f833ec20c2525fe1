import { useTranslation } from 'react-i18next';

const TONE: Record<string, string> = {
  accepted: 'ok',
  completed: 'ok',
  needs_supplement: 'warn',
  not_accepted: 'danger',
  refused: 'danger',
};

/** The status in words (applications:status.<status>), coloured by what it means for the citizen. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation('applications');
  const tone = TONE[status];
  return (
    <span className={tone ? `badge ${tone}` : 'badge'} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}
