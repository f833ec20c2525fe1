import { getFixedT, getLocale } from '~/i18next.server';

/**
 * Download routes (PDFs, CSV, files) answer a refusal as `{code, params}` JSON, which is what a
 * script wants and what a person who followed a stale or mistyped link should never see. When
 * the request comes from a browser navigating (it accepts HTML), the same refusal — same status —
 * is answered as a small page in the reader's language, worded as the site's error page words it.
 */
export async function downloadOrErrorPage(request: Request, answer: () => Promise<Response>): Promise<Response> {
  try {
    return await answer();
  } catch (e) {
    if (!(e instanceof Response) || e.status < 400 || !(request.headers.get('Accept') ?? '').includes('text/html')) throw e;
    return errorPage(request, e);
  }
}

export async function errorPage(request: Request, refusal: Response): Promise<Response> {
  const t = await getFixedT(request, ['common', 'errors']);
  const locale = await getLocale(request);
  const payload = (await refusal
    .clone()
    .json()
    .catch(() => null)) as { code?: unknown; params?: unknown } | null;
  const status = refusal.status;
  const title = status === 404 ? t('errorPage.notFoundTitle') : t('errorPage.title');
  const message =
    payload && typeof payload.code === 'string'
      ? t(`errors:${payload.code}`, (payload.params ?? {}) as Record<string, string>)
      : t(status === 404 ? 'errors:notFound' : status === 403 ? 'errors:forbidden' : 'errors:badRequest');
  const html = `<!DOCTYPE html><html lang="${escape(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)} - ${escape(t('siteName'))}</title></head><body><main><h1>${escape(title)}</h1><p role="alert">${escape(message)}</p><p><a href="/">${escape(t('errorPage.home'))}</a></p></main></body></html>`;
  const headers = new Headers({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  const allow = refusal.headers.get('Allow');
  if (allow) headers.set('Allow', allow);
  return new Response(html, { status, headers });
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
