import { json, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLoaderData,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { useChangeLanguage } from 'remix-i18next/react';
import { SiteHeader } from './components/site-header';
import { SiteFooter } from './components/site-footer';
import { rememberLanguage } from './utils/accounts.server';
import { getFixedT, getLocale, languageCookie } from './i18next.server';
import { maskName } from '#services/validation/identifiers';
import { getActor } from './utils/session.server';
import { homeFor } from './utils/home';
import { useNonce } from './utils/nonce';
import { TranslationBundleLinks } from './translation-bundles';
import { pageLoadsScripts } from './utils/page-scripts';
import styles from './styles/app.css';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: styles }];

export const handle = { i18n: ['common', 'errors'] };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const locale = await getLocale(request);
  const actor = await getActor(request, context);
  const headers = new Headers();
  // Remember an explicit ?lng choice for the next visit, and for a signed-in person's messages.
  if (new URL(request.url).searchParams.has('lng')) {
    // Secure wherever the session cookie is (production): every cookie the portal sets is.
    headers.append('Set-Cookie', await languageCookie.serialize(locale, { secure: context.production }));
    await rememberLanguage({ db: context.db, actor }, locale);
  }
  const t = await getFixedT(request, 'common');
  return json(
    {
      locale,
      // The person, not the role: their name masked (a screen is often seen by others), read with the session.
      user: actor.kind === 'user' ? { role: actor.role, name: maskName(actor.realName ?? ''), home: homeFor(actor) } : null,
      // Error pages and routes without their own meta still get a title in the right language.
      titles: { site: t('siteName'), notFound: t('errorPage.notFoundTitle'), error: t('errorPage.title') },
    },
    { headers },
  );
}

export const meta: MetaFunction<typeof loader> = ({ data, error }) => {
  const titles = data?.titles;
  if (!titles) return [{ title: 'onewindow' }];
  if (!error) return [{ title: titles.site }];
  const page = isRouteErrorResponse(error) && error.status === 404 ? titles.notFound : titles.error;
  return [{ title: `${page} - ${titles.site}` }];
};

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root');
  const { i18n } = useTranslation();
  const locale = data?.locale ?? i18n.language ?? 'zh-CN';
  const nonce = useNonce();
  // Citizen pages and error pages are documents without JavaScript (decision 0044); staff pages hydrate.
  const scripts = pageLoadsScripts(useMatches(), useRouteError());
  return (
    <html lang={locale} dir="ltr">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        {scripts && (
          <>
            {/* After the content: by now the server's render has reached every namespace it uses. */}
            <TranslationBundleLinks />
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
          </>
        )}
      </body>
    </html>
  );
}

function Shell({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root');
  const { t } = useTranslation();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skipToContent')}
      </a>
      <SiteHeader user={data?.user ?? null} locale={data?.locale ?? 'zh-CN'} />
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
      <SiteFooter />
    </>
  );
}

export default function App() {
  const { locale } = useLoaderData<typeof loader>();
  useChangeLanguage(locale);
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  let title = t('errorPage.title');
  let message = t('errors:internal');
  if (isRouteErrorResponse(error)) {
    const payload = error.data as { code?: string; params?: Record<string, string> } | string;
    if (error.status === 404) title = t('errorPage.notFoundTitle');
    if (payload && typeof payload === 'object' && payload.code) message = t(`errors:${payload.code}`, payload.params);
    else if (error.status === 404) message = t('errors:notFound');
    else if (error.status === 403) message = t('errors:forbidden');
    else if (error.status < 500) message = t('errors:badRequest');
  }
  return (
    <Shell>
      <div className="container narrow">
        <h1>{title}</h1>
        <p role="alert">{message}</p>
        <p>
          <a href="/">{t('errorPage.home')}</a>
        </p>
      </div>
    </Shell>
  );
}
