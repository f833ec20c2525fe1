import { useTranslation } from 'react-i18next';
import { HONEYPOT_FIELD } from './honeypot-field';

/**
 * A field people never see or reach (off-screen, aria-hidden, out of the tab order, no
 * autofill) but naive bots fill in. The action checks it with isHoneypotFilled().
 */
export function Honeypot() {
  const { t } = useTranslation('common');
  return (
    <div className="honeypot" aria-hidden="true">
      <label htmlFor={`hp-${HONEYPOT_FIELD}`}>{t('form.honeypotLabel')}</label>
      <input type="text" id={`hp-${HONEYPOT_FIELD}`} name={HONEYPOT_FIELD} tabIndex={-1} autoComplete="off" defaultValue="" />
    </div>
  );
}
