import type { MetaFunction } from '@remix-run/node';
import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

export const meta: MetaFunction = () => [{ title: 'onewindow' }];

export default function Index() {
  const { t } = useTranslation();
  return (
    <div className="container">
      <h1>{t('siteName')}</h1>
      <p className="lead">{t('siteTagline')}</p>
      <p>
        <Link className="button" to="/services">
          {t('nav.services')}
        </Link>
      </p>
    </div>
  );
}
