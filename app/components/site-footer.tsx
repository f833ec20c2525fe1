import { useTranslation } from 'react-i18next';

export function SiteFooter() {
  const { t } = useTranslation();
  return (
    <footer className="site-footer">
      <div className="container">
        <p>{t('footer.law')}</p>
        <p>{t('footer.hotline')}</p>
      </div>
    </footer>
  );
}
