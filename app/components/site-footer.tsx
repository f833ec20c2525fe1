import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';

export function SiteFooter() {
  const { t } = useTranslation();
  return (
    <footer className="site-footer">
      <div className="container footer-grid">
        <section aria-labelledby="footer-about">
          <h2 id="footer-about" className="footer-title">
            {t('siteName')}
          </h2>
          <p>{t('siteChrome.about')}</p>
          <p>
            <Link to="/services">{t('nav.services')}</Link>
          </p>
        </section>
        <section aria-labelledby="footer-law">
          <h2 id="footer-law" className="footer-title">
            {t('siteChrome.lawTitle')}
          </h2>
          <p>{t('footer.law')}</p>
        </section>
        <section aria-labelledby="footer-help">
          <h2 id="footer-help" className="footer-title">
            {t('siteChrome.hotlineTitle')}
          </h2>
          <p>{t('footer.hotline')}</p>
        </section>
      </div>
    </footer>
  );
}
