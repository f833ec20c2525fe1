import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

/**
 * Why the last code flow ended, on the page where the next step is (decision 0024): the message
 * and the next step as links — sign in or reset the password when the ID number has an account,
 * the form below for a new code when the code is gone. An alert, so a screen reader hears it.
 */
export function CodeNoticeBox({ notice }: { notice: 'code.expired' | 'account.exists' | null }) {
  const { t } = useTranslation(['auth', 'errors']);
  if (!notice) return null;
  return (
    <div className="notice-warn" role="alert" aria-labelledby="code-notice-title">
      <h2 id="code-notice-title" className="form-title">
        {t('auth:codeNotice.title')}
      </h2>
      <p>{t(`errors:${notice}`)}</p>
      {notice === 'account.exists' ? (
        <p>
          <Link to="/login">{t('auth:codeNotice.signIn')}</Link> · <Link to="/forgot-password">{t('auth:codeNotice.reset')}</Link>
        </p>
      ) : (
        <p>{t('auth:codeNotice.newCode')}</p>
      )}
    </div>
  );
}
