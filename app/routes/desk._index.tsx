import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { DEPARTMENTS } from '#services/catalog/types';
import { claimNext } from '#services/queue/claim';
import { loadDesk, type DeskFilters as Filters } from '#services/queue/desk';
import { DeskFilters } from '~/components/desk/desk-filters';
import { QueueTable } from '~/components/desk/queue-table';
import { SubmitButton } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { requireUser } from '~/utils/session.server';
import { readFormData } from '~/utils/form-data.server';

export const handle = { i18n: ['common', 'desk', 'catalog', 'applications', 'errors', 'validation', 'integrations'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

const CODE = /^[a-z][a-z0-9_-]{0,40}$/;

/** Filters from the query string; anything malformed is ignored rather than refused. */
function filtersFrom(url: URL): Filters {
  const p = url.searchParams;
  const department = p.get('department') ?? '';
  const service = p.get('service') ?? '';
  const status = p.get('status') ?? '';
  return {
    department: (DEPARTMENTS as readonly string[]).includes(department) ? department : undefined,
    service: CODE.test(service) ? service : undefined,
    status: CODE.test(status) ? status : undefined,
    overdue: p.get('overdue') === '1',
    mine: p.get('mine') === '1',
  };
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['clerk', 'manager']);
  const url = new URL(request.url);
  const filters = filtersFrom(url);
  const desk = await orThrowResponse(() => loadDesk(ctx, filters));
  const t = await getFixedT(request, ['desk', 'common']);
  return json({
    desk,
    filters,
    canTake: ctx.actor.role === 'clerk',
    leaseMinutes: ctx.config.leaseMinutes,
    empty: url.searchParams.get('empty') === '1',
    locale: await getLocale(request),
    title: `${t('desk:title')} - ${t('common:siteName')}`,
  });
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
  const { desk, filters, canTake, empty, locale, leaseMinutes } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const { t } = useTranslation(['desk', 'common']);
  return (
    <div className="container">
      <h1>{t('desk:title')}</h1>
      <p className="lead">{t('desk:intro', { office: t(`common:offices.${desk.officeCode}`) })}</p>
      {canTake && (
        <Form method="post" className="actions take-next">
          <input type="hidden" name="intent" value="takeNext" />
          <SubmitButton pending={navigation.state === 'submitting'}>{t('desk:takeNext')}</SubmitButton>
          <span className="muted">{t('desk:takeNextHint', { minutes: leaseMinutes })}</span>
        </Form>
      )}
      {empty && (
        <p className="card" role="status">
          {t('desk:nothingToTake')}
        </p>
      )}
      <DeskFilters counts={desk.counts} filters={filters} total={desk.total} />
      <h2>{t('desk:queue.heading', { shown: desk.rows.length, total: desk.total })}</h2>
      <QueueTable rows={desk.rows} locale={locale} />
    </div>
  );
}
