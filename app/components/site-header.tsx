import { Form, Link, NavLink, useLocation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { SUPPORTED_LANGUAGES } from '#locales/index';

type Props = { user: { role: 'citizen' | 'clerk' | 'manager' } | null; locale: string };

export function SiteHeader({ user, locale }: Props) {
  const { t } = useTranslation();
  const location = useLocation();
  const switchTo = (lng: string) => {
    const params = new URLSearchParams(location.search);
    params.set('lng', lng);
    return `${location.pathname}?${params.toString()}`;
  };
  return (
    <header className="site-header">
      <div className="container header-row">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          <span>
            <span className="brand-name">{t('siteName')}</span>
            <span className="brand-tagline">{t('siteTagline')}</span>
          </span>
        </Link>
        <nav aria-label={t('language.label')} className="lang-switch">
          {SUPPORTED_LANGUAGES.map((lng) =>
            lng === locale ? (
              <span key={lng} aria-current="true" lang={lng}>
                {t(`language.${lng}`)}
              </span>
            ) : (
              <a key={lng} href={switchTo(lng)} lang={lng} hrefLang={lng}>
                {t(`language.${lng}`)}
              </a>
            ),
          )}
        </nav>
      </div>
      <nav aria-label={t('nav.mainNav')} className="main-nav">
        <div className="container nav-row">
          <NavLink to="/" end>
            {t('nav.home')}
          </NavLink>
          <NavLink to="/services">{t('nav.services')}</NavLink>
          {user?.role === 'citizen' && <NavLink to="/applications">{t('nav.myApplications')}</NavLink>}
          {user?.role === 'clerk' && <NavLink to="/desk">{t('nav.desk')}</NavLink>}
          {user?.role === 'manager' && <NavLink to="/desk">{t('nav.desk')}</NavLink>}
          <span className="nav-spacer" />
          {user ? (
            <Form method="post" action="/logout" className="inline-form">
              <button type="submit" className="link-button">
                {t('nav.logout')}
              </button>
            </Form>
          ) : (
            <>
              <NavLink to="/login">{t('nav.login')}</NavLink>
              <NavLink to="/signup">{t('nav.signup')}</NavLink>
            </>
          )}
        </div>
      </nav>
    </header>
  );
}
