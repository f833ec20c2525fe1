import { Form, Link, NavLink, useLocation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { SUPPORTED_LANGUAGES } from '#locales/languages';

type Props = { user: { role: 'citizen' | 'clerk' | 'manager' | 'admin'; name: string; home: string } | null; locale: string };

/** A shield, drawn inline so the header needs no image request and stays crisp. */
function Emblem() {
  return (
    <svg className="brand-mark" viewBox="0 0 32 36" width="32" height="36" aria-hidden="true" focusable="false">
      <path d="M16 1 3 6v10c0 8.5 5.6 15.7 13 19 7.4-3.3 13-10.5 13-19V6L16 1Z" fill="#ffd34d" />
      <path d="M16 5 7 8.6V16c0 6.2 3.8 11.6 9 14.3 5.2-2.7 9-8.1 9-14.3V8.6L16 5Z" fill="#0b4f9c" />
      <path d="m16 10 1.9 4h4.3l-3.4 2.6 1.3 4.2L16 18.3l-4.1 2.5 1.3-4.2L9.8 14h4.3L16 10Z" fill="#ffd34d" />
    </svg>
  );
}

export function SiteHeader({ user, locale }: Props) {
  const { t } = useTranslation();
  const location = useLocation();
  // Plain links (no JS needed): the root loader reads ?lng, answers in that language and remembers it.
  const switchTo = (lng: string) => {
    const params = new URLSearchParams(location.search);
    params.set('lng', lng);
    return `${location.pathname}?${params.toString()}`;
  };
  const isStaff = user?.role === 'clerk' || user?.role === 'manager';
  return (
    <header className="site-header">
      <div className="container header-row">
        <Link to="/" className="brand" aria-label={t('siteName')}>
          <Emblem />
          <span>
            <span className="brand-name">{t('siteName')}</span>
            <span className="brand-tagline">{t('siteTagline')}</span>
          </span>
        </Link>
        <nav aria-label={t('language.label')} className="lang-switch">
          <ul role="list">
            {SUPPORTED_LANGUAGES.map((lng) => (
              <li key={lng}>
                {lng === locale ? (
                  <span aria-current="true" lang={lng}>
                    {t(`language.${lng}`)}
                  </span>
                ) : (
                  <a href={switchTo(lng)} lang={lng} hrefLang={lng}>
                    {t(`language.${lng}`)}
                  </a>
                )}
              </li>
            ))}
          </ul>
        </nav>
      </div>
      <nav aria-label={t('nav.mainNav')} className="main-nav">
        <div className="container nav-row">
          <ul className="nav-links" role="list">
            <li>
              <NavLink to="/" end>
                {t('nav.home')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/services">{t('nav.services')}</NavLink>
            </li>
            {user?.role === 'citizen' && (
              <li>
                <NavLink to="/applications">{t('nav.myApplications')}</NavLink>
              </li>
            )}
            {/* A city manager holds no office desk: their work is the reports (homeFor). */}
            {isStaff && user.home === '/desk' && (
              <li>
                <NavLink to="/desk" end>
                  {t('nav.desk')}
                </NavLink>
              </li>
            )}
            {isStaff && user.home === '/desk' && (
              <li>
                <NavLink to="/desk/appointments">{t('nav.appointments')}</NavLink>
              </li>
            )}
            {user?.role === 'manager' && user.home === '/desk' && (
              <>
                <li>
                  <NavLink to="/desk/board">{t('nav.board')}</NavLink>
                </li>
                <li>
                  <NavLink to="/desk/overrides">{t('nav.overrides')}</NavLink>
                </li>
              </>
            )}
            {user?.role === 'manager' && (
              <li>
                <NavLink to="/reports">{t('nav.reports')}</NavLink>
              </li>
            )}
            {user?.role === 'admin' && (
              <li>
                <NavLink to="/admin">{t('nav.admin')}</NavLink>
              </li>
            )}
          </ul>
          <div className="nav-account">
            {user ? (
              <>
                {/* The person (name masked), not the role; a citizen's name leads to their profile. */}
                {user.role === 'citizen' ? (
                  <NavLink to="/account" className="nav-user" aria-label={t('siteChrome.profileLabel', { name: user.name })}>
                    {t('siteChrome.signedInName', { name: user.name })}
                  </NavLink>
                ) : (
                  <span className="nav-user">{t('siteChrome.signedInStaff', { name: user.name, role: t(`roles.${user.role}`) })}</span>
                )}
                {/* Signing out changes state, so it is a POST (a link could be prefetched or forged). */}
                <Form method="post" action="/logout" className="inline-form">
                  <button type="submit" className="link-button nav-button">
                    {t('nav.logout')}
                  </button>
                </Form>
              </>
            ) : (
              <ul className="nav-links" role="list">
                <li>
                  <NavLink to="/login">{t('nav.login')}</NavLink>
                </li>
                <li>
                  <NavLink to="/signup" className={({ isActive }) => (isActive ? 'active nav-cta' : 'nav-cta')}>
                    {t('nav.signup')}
                  </NavLink>
                </li>
              </ul>
            )}
          </div>
        </div>
      </nav>
    </header>
  );
}
