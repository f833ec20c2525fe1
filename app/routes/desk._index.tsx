import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { DEPARTMENTS } from '#services/catalog/types';
import { claimNext } from '#services/queue/claim';
import { DESK_TABS, loadDesk, searchDesk, type DeskFilters as Filters, type DeskTab } from '#services/queue/desk';
import { parseDeskSearch } from '#services/queue/desk-search';
import { DeskFilters } from '~/components/desk/desk-filters';
import { DeskPager } from '~/components/desk/desk-pager';
import { DeskSearch } from '~/components/desk/desk-search';
import { DeskTabs } from '~/components/desk/desk-tabs';
import { QueueTable } from '~/components/desk/queue-table';
import { SubmitButton } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { requireUser } from '~/utils/session.server';
import { readFormData } from '~/utils/form-data.server';
import { withOfficeNames } from '~/utils/office-names.server';
import { useOfficeName } from '~/utils/office-name';

export const handle = { i18n: ['common', 'desk', 'catalog', 'applications', 'errors', 'validation', 'integrations'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

const CODE = /^[a-z][a-z0-9_-]{0,40}$/;

/** Filters from the query string; anything malformed is ignored rather than refused. */
function filtersFrom(url: URL): Filters & { tab: DeskTab } {
  const p = url.searchParams;
  const department = p.get('department') ?? '';
  const service = p.get('service') ?? '';
  const status = p.get('status') ?? '';
  const tab = p.get('tab') ?? '';
  const page = p.get('page') ?? '';
  return {
    // ?mine=1 was the desk's "mine only" before it had tabs; old bookmarks still land there.
    tab: (DESK_TABS as readonly string[]).includes(tab) ? (tab as DeskTab) : p.get('mine') === '1' ? 'mine' : 'work',
    department: (DEPARTMENTS as readonly string[]).includes(department) ? department : undefined,
    service: CODE.test(service) ? service : undefined,
    status: CODE.test(status) ? status : undefined,
    overdue: p.get('overdue') === '1',
    page: /^\d{1,6}$/.test(page) ? Number(page) : 1,
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['clerk', 'manager']);
  const url = new URL(request.url);
  const filters = filtersFrom(url);
  const q = url.searchParams.get('q');
  const search = parseDeskSearch(q);
  const searchError = search && 'error' in search ? search.error : null;
  const desk = await orThrowResponse(() => (search && !('error' in search) ? searchDesk(ctx, search, filters) : loadDesk(ctx, filters)));
  // An exact number, ID or mobile that names one item lands on it (when the reader may open it).
  const [only] = desk.rows;
  if (desk.search && desk.search.kind !== 'name' && desk.rows.length === 1 && (ctx.actor.kind === 'user' && (ctx.actor.role === 'manager' || only.canHandle))) {
    return redirect(`/desk/applications/${only.number}`);
  }
  const t = await getFixedT(request, ['desk', 'common']);
  return json(
    await withOfficeNames(context.db, {
      desk,
      filters,
      q: searchError ? (q ?? '') : desk.search ? (q ?? '') : '',
      // Where a refused search is said: beside the box (and as the 400's body, as forms do).
      lastResult: searchError ? { error: { q: [searchError] } } : null,
      canTake: ctx.actor.role === 'clerk',
      leaseMinutes: ctx.config.leaseMinutes,
      empty: url.searchParams.get('empty') === '1',
      // What the review page just did before it sent the clerk here (release, transfer): only a known one.
      done: (['release', 'transfer', 'reassign'] as const).find((d) => d === url.searchParams.get('done')) ?? null,
      locale: await getLocale(request),
      title: `${t('desk:title')} - ${t('common:siteName')}`,
    }),
    { status: searchError ? 400 : 200 },
  );
}

/** "Take next": the most urgent item the clerk may handle, straight to its review page. */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['clerk']);
  const form = await readFormData(request);
  if (form.get('intent') !== 'takeNext') throw json({ code: 'badRequest', params: {} }, { status: 400 });
  const claim = await orThrowResponse(() => claimNext(ctx));
  if (!claim) return redirect('/desk?empty=1');
  return redirect(`/desk/applications/${claim.number}`);
}

export default function DeskPage() {
  const { desk, filters, q, lastResult, canTake, empty, done, locale, leaseMinutes } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const { t } = useTranslation(['desk', 'common']);
  const { officeName } = useOfficeName();
  const searchError = lastResult?.error.q[0] ?? null;
  return (
    <div className="container">
      <h1>{t('desk:title')}</h1>
      <p className="lead">{t('desk:intro', { office: officeName(desk.officeCode) })}</p>
      {canTake && (
        <Form method="post" className="actions take-next">
          <input type="hidden" name="intent" value="takeNext" />
          <SubmitButton pending={navigation.state === 'submitting'}>{t('desk:takeNext')}</SubmitButton>
          <span className="muted">{t('desk:takeNextHint', { minutes: leaseMinutes })}</span>
        </Form>
      )}
      {done && (
        <p className="notice-ok" role="status">
          {t(`desk:done.${done}`)}
        </p>
      )}
      {empty && (
        <p className="card" role="status">
          {t('desk:nothingToTake')}
        </p>
      )}
      <DeskSearch value={q} error={searchError} />
      <DeskTabs tab={desk.tab} counts={desk.counts.tabs} searching={!!desk.search} />
      {desk.search ? (
        <>
          <h2>{t('desk:search.heading', { count: desk.rows.length })}</h2>
          <p className="muted">
            {t('desk:search.recorded')} {desk.search.more && t('desk:search.more', { count: desk.rows.length })} <a href="/desk">{t('desk:search.back')}</a>
          </p>
          <QueueTable rows={desk.rows} locale={locale} emptyKey="desk:search.none" />
        </>
      ) : (
        <>
          <DeskFilters tab={desk.tab} counts={desk.counts} filters={filters} />
          <h2>{t('desk:queue.heading', { shown: desk.rows.length, total: desk.total })}</h2>
          <QueueTable rows={desk.rows} locale={locale} />
          <DeskPager tab={desk.tab} filters={filters} page={desk.page} pages={desk.pages} />
        </>
      )}
    </div>
  );
}
