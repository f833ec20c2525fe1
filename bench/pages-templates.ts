/**
 * The pages bench's template-string reference (bench/pages-reference.ts): the same markup as the
 * route's components, built by string concatenation — for /services as an anonymous reader (the
 * catalog, the site's header and footer); null for a page or reader without a template.
 */
import { formatCommitted, formatYuan } from '../app/components/catalog/format.js';
import type { CatalogEntry } from '../services/catalog/guide.js';
import { SUPPORTED_LANGUAGES } from '../locales/languages.js';

export type TemplateInput = {
  t: (key: string, options?: Record<string, unknown>) => string;
  lng: string;
  rootData: unknown;
  pageData: unknown;
  url: URL;
  meta: { title?: string; name?: string; content?: string }[];
  stylesheets: string[];
  bundles: () => { ns: string; href: string }[];
};

/** As React escapes text and attribute values. */
const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };
const e = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]);

type RootData = { locale: string; user: unknown };
type Catalog = { departments: { department: string; departmentKey: string; services: CatalogEntry[] }[]; count: number; locale: string };

const EMBLEM =
  '<svg class="brand-mark" viewBox="0 0 32 36" width="32" height="36" aria-hidden="true" focusable="false"><path d="M16 1 3 6v10c0 8.5 5.6 15.7 13 19 7.4-3.3 13-10.5 13-19V6L16 1Z" fill="#ffd34d"></path><path d="M16 5 7 8.6V16c0 6.2 3.8 11.6 9 14.3 5.2-2.7 9-8.1 9-14.3V8.6L16 5Z" fill="#0b4f9c"></path><path d="m16 10 1.9 4h4.3l-3.4 2.6 1.3 4.2L16 18.3l-4.1 2.5 1.3-4.2L9.8 14h4.3L16 10Z" fill="#ffd34d"></path></svg>';

function navLink(href: string, path: string, text: string, cls = '', end = false): string {
  const active = end ? path === href : path === href || path.startsWith(`${href}/`);
  // NavLink's own className function for the sign-up link (site-header.tsx); "active" otherwise.
  const c = cls ? (active ? `active ${cls}` : cls) : active ? 'active' : '';
  return `<a data-discover="true"${active ? ' aria-current="page"' : ''} class="${c}" href="${href}">${e(text)}</a>`;
}

function anonymousShell(i: TemplateInput, content: string): string {
  const { t, url } = i;
  const root = i.rootData as RootData;
  const locale = root.locale;
  const switchTo = (lng: string) => {
    const params = new URLSearchParams(url.search);
    params.set('lng', lng);
    return `${url.pathname}?${params.toString()}`;
  };
  const langs = SUPPORTED_LANGUAGES.map(
    (lng) =>
      `<li>${lng === locale ? `<span aria-current="true" lang="${lng}">${e(t(`language.${lng}`))}</span>` : `<a href="${e(switchTo(lng))}" lang="${lng}" hrefLang="${lng}">${e(t(`language.${lng}`))}</a>`}</li>`,
  ).join('');
  const p = url.pathname;
  const header =
    `<header class="site-header"><div class="container header-row"><a class="brand" aria-label="${e(t('siteName'))}" data-discover="true" href="/">${EMBLEM}<span><span class="brand-name">${e(t('siteName'))}</span><span class="brand-tagline">${e(t('siteTagline'))}</span></span></a>` +
    `<nav aria-label="${e(t('language.label'))}" class="lang-switch"><ul role="list">${langs}</ul></nav></div>` +
    `<nav aria-label="${e(t('nav.mainNav'))}" class="main-nav"><div class="container nav-row"><ul class="nav-links" role="list"><li>${navLink('/', p, t('nav.home'), '', true)}</li><li>${navLink('/services', p, t('nav.services'))}</li></ul>` +
    `<div class="nav-account"><ul class="nav-links" role="list"><li>${navLink('/login', p, t('nav.login'))}</li><li>${navLink('/signup', p, t('nav.signup'), 'nav-cta')}</li></ul></div></div></nav></header>`;
  const footer =
    `<footer class="site-footer"><div class="container footer-grid"><section aria-labelledby="footer-about"><h2 id="footer-about" class="footer-title">${e(t('siteName'))}</h2><p>${e(t('siteChrome.about'))}</p><p>${navLinkPlain('/services', t('nav.services'))}</p></section>` +
    `<section aria-labelledby="footer-law"><h2 id="footer-law" class="footer-title">${e(t('siteChrome.lawTitle'))}</h2><p>${e(t('footer.law'))}</p></section>` +
    `<section aria-labelledby="footer-help"><h2 id="footer-help" class="footer-title">${e(t('siteChrome.hotlineTitle'))}</h2><p>${e(t('footer.hotline'))}</p></section></div></footer>`;
  const head =
    '<meta charSet="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>' +
    i.meta.map((m) => (m.title !== undefined ? `<title>${e(m.title)}</title>` : `<meta name="${e(m.name ?? '')}" content="${e(m.content ?? '')}"/>`)).join('') +
    i.stylesheets.map((href) => `<link rel="stylesheet" href="${e(href)}"/>`).join('');
  const body = `<a class="skip-link" href="#main">${e(t('nav.skipToContent'))}</a>${header}<main id="main" class="main" tabindex="-1">${content}</main>${footer}`;
  // The bundles after the content, when every namespace it used is known.
  const bundles = i.bundles().map((b) => `<link rel="preload" as="fetch" crossorigin="anonymous" href="${e(b.href)}" data-i18n-ns="${b.ns}"/>`).join('');
  return `<!DOCTYPE html><html lang="${locale}" dir="ltr"><head>${head}</head><body>${body}${bundles}</body></html>`;
}

const navLinkPlain = (href: string, text: string) => `<a data-discover="true" href="${href}">${e(text)}</a>`;

function catalog(i: TemplateInput): string {
  const { t } = i;
  const { departments, count, locale } = i.pageData as Catalog;
  const fee = (s: CatalogEntry) =>
    s.fee.kind === 'free' ? t('common:format.free') : s.fee.kind === 'fixed' ? formatYuan(s.fee.amount, locale) : t('catalog:catalogPage.feeFrom', { amount: formatYuan(s.fee.amount, locale) });
  let html = `<div class="container catalog"><header class="catalog-header"><h1>${e(t('catalog:catalogPage.title'))}</h1><p class="lead">${e(t('catalog:catalogPage.intro'))}</p><p class="muted">${e(t('catalog:catalogPage.count', { count }))}</p></header>`;
  html += `<nav aria-label="${e(t('catalog:guide.contents'))}" class="department-nav"><ul>`;
  for (const d of departments) html += `<li><a href="#dept-${d.department}">${e(t(d.departmentKey))}<!-- --> <span class="muted">(<!-- -->${d.services.length}<!-- -->)</span></a></li>`;
  html += '</ul></nav>';
  for (const d of departments) {
    html += `<section class="department" aria-labelledby="dept-${d.department}"><h2 id="dept-${d.department}">${e(t(d.departmentKey))}</h2><ul class="service-list">`;
    for (const s of d.services) {
      const name = t(s.nameKey);
      html += `<li class="card service-card" data-service="${e(s.code)}"><h3><a data-discover="true" href="${e(s.guideHref)}">${e(name)}</a></h3>`;
      if (s.crossProvince || s.mode === 'online')
        html += `<p class="badges">${s.crossProvince ? `<span class="badge ok">${e(t(s.crossProvinceKey))}</span>` : ''}${s.mode === 'online' ? `<span class="badge">${e(t('catalog:catalogPage.onlineBadge'))}</span>` : ''}</p>`;
      html += `<p class="service-summary">${e(t(s.summaryKey))}</p><dl class="service-meta"><div><dt>${e(t('catalog:catalogPage.committed'))}</dt><dd>${e(formatCommitted(t, s.committedWorkingDays))}</dd></div><div><dt>${e(t('catalog:catalogPage.fee'))}</dt><dd>${e(fee(s))}</dd></div><div><dt>${e(t('catalog:catalogPage.visits'))}</dt><dd>${e(t(s.visits === 0 ? 'catalog:catalogPage.visitsNone' : 'catalog:catalogPage.visitsOne'))}</dd></div></dl>`;
      html += `<p class="service-actions"><a class="button secondary" aria-label="${e(t('catalog:catalogPage.viewGuideFor', { name }))}" data-discover="true" href="${e(s.guideHref)}">${e(t('catalog:catalogPage.viewGuide'))}</a></p></li>`;
    }
    html += '</ul></section>';
  }
  return `${html}</div>`;
}

export function templatePage(routeId: string, i: TemplateInput): string | null {
  if ((i.rootData as RootData).user) return null;
  if (routeId === 'routes/services._index') return anonymousShell(i, catalog(i));
  return null;
}
