import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { isDomainError } from '#services/errors';
import { followUpSchema, rectificationsPage, recordFollowUp, type RectificationView } from '#services/ratings/rectifications';
import { formatInstant } from '~/components/application/format';
import { KnownDay } from '~/components/application/known-day';
import { ErrorSummary, RadioGroup, SubmitButton, TextareaField } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { requireUser } from '~/utils/session.server';
import { withOfficeNames } from '~/utils/office-names.server';
import { useOfficeName } from '~/utils/office-name';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'catalog', 'ratings', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/**
 * 差评整改: bad reviews of the manager's offices, open ones first, overdue ones flagged. Both lists
 * are paged (`?open=N&closed=M`, plain links, so it works without JS): a page renders at most 20
 * follow-up forms and 20 closed rows, however many there are.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['manager']);
  const url = new URL(request.url);
  const page = await orThrowResponse(() => rectificationsPage(ctx, { open: url.searchParams.get('open'), closed: url.searchParams.get('closed') }));
  const t = await getFixedT(request, ['ratings', 'common']);
  return json(await withOfficeNames(context.db, { page, locale: await getLocale(request), title: `${t('ratings:rectifications.title')} - ${t('common:siteName')}` }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['manager']);
  const formData = await readFormData(request);
  const id = String(formData.get('id') ?? '');
  const submission = parseWithZod(formData, { schema: followUpSchema });
  if (submission.status !== 'success') return json({ id, ...(await invalidResponse(submission).json()) }, { status: 400 });
  try {
    await recordFollowUp(ctx, submission.value);
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      const res = domainErrorResponse(submission, e);
      return json({ id, ...(await res.json()) }, { status: res.status });
    }
    throw e;
  }
  // Back to the page the form was on (the follow-up leaves the open list, so the next one moves up).
  return redirect(`/reports/rectifications${new URL(request.url).search}`, 303);
}

function FollowUpForm({ item, lastResult }: { item: RectificationView; lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation('ratings');
  const navigation = useNavigation();
  const [form, fields] = useForm({ id: `followup-${item.id}`, lastResult, shouldValidate: 'onSubmit' });
  return (
    <Form method="post" className="form" {...getFormProps(form)} noValidate>
      <ErrorSummary
        form={form}
        fields={[
          { meta: fields.contactNote, label: t('rectifications.contactNote') },
          { meta: fields.outcome, label: t('rectifications.outcome') },
          { meta: fields.outcomeNote, label: t('rectifications.outcomeNote') },
        ]}
      />
      <input type="hidden" name="id" value={item.id} />
      <TextareaField meta={fields.contactNote} label={t('rectifications.contactNote')} hint={t('rectifications.contactHint')} required rows={3} maxLength={1000} />
      <RadioGroup
        meta={fields.outcome}
        legend={t('rectifications.outcome')}
        required
        options={(['fixed', 'explained', 'appealed'] as const).map((o) => ({ value: o, label: t(`rectifications.outcomes.${o}`) }))}
      />
      <TextareaField meta={fields.outcomeNote} label={t('rectifications.outcomeNote')} rows={3} maxLength={1000} />
      <div className="actions">
        <SubmitButton pending={navigation.state === 'submitting'}>{t('rectifications.submit')}</SubmitButton>
      </div>
    </Form>
  );
}

/** Previous and next links of one list, keeping the other list's page. */
function Pager({ list, page, more, other }: { list: 'open' | 'closed'; page: number; more: boolean; other: number }) {
  const { t } = useTranslation('ratings');
  if (page === 1 && !more) return null;
  const href = (p: number) => {
    const sp = new URLSearchParams();
    const pages = list === 'open' ? { open: p, closed: other } : { open: other, closed: p };
    if (pages.open > 1) sp.set('open', String(pages.open));
    if (pages.closed > 1) sp.set('closed', String(pages.closed));
    const q = sp.toString();
    return `/reports/rectifications${q ? `?${q}` : ''}#${list}`;
  };
  return (
    <nav className="actions no-print" aria-label={t(`rectifications.pager.${list}`)}>
      {page > 1 && (
        <Link to={href(page - 1)} rel="prev">
          {t('rectifications.pager.previous')}
        </Link>
      )}
      <span>{t('rectifications.pager.position', { page })}</span>
      {more && (
        <Link to={href(page + 1)} rel="next">
          {t('rectifications.pager.next')}
        </Link>
      )}
    </nav>
  );
}

export default function Rectifications() {
  const { page, locale } = useLoaderData<typeof loader>();
  const { open, closed, openCount } = page;
  const actionData = useActionData<typeof action>() as { id?: string; lastResult?: SubmissionResult<string[]> } | undefined;
  const { t, i18n } = useTranslation(['ratings', 'catalog', 'common']);
  const { officeName } = useOfficeName();
  const service = (code: string) => (i18n.exists(`catalog:services.${code}.name`) ? t(`catalog:services.${code}.name`) : code);
  return (
    <div className="container">
      <div className="actions no-print">
        <Link to="/reports">{t('ratings:rectifications.back')}</Link>
      </div>
      <h1>{t('ratings:rectifications.title')}</h1>
      <p className="lead">{t('ratings:rectifications.lead')}</p>
      <h2 id="open">{t('ratings:rectifications.open', { count: openCount })}</h2>
      {openCount === 0 && <p>{t('ratings:rectifications.noneOpen')}</p>}
      {open.map((item) => (
        <section key={item.id} className={`card rectification${item.overdue ? ' overdue' : ''}`} aria-labelledby={`r-${item.id}`}>
          <h3 id={`r-${item.id}`}>
            {item.applicationNumber} · {service(item.serviceCode)}{' '}
            {item.overdue && <span className="badge danger">{t('ratings:rectifications.overdue')}</span>}
          </h3>
          <dl className="facts">
            <dt>{t('ratings:rectifications.score')}</dt>
            <dd>{t(`ratings:scores.${item.score}`)}</dd>
            <dt>{t('ratings:rectifications.channel')}</dt>
            <dd>{t(`ratings:channels.${item.channel}`)}</dd>
            <dt>{t('ratings:rectifications.office')}</dt>
            <dd>{officeName(item.officeCode)}</dd>
            {item.comment && (
              <>
                <dt>{t('ratings:rectifications.comment')}</dt>
                <dd>{item.comment}</dd>
              </>
            )}
            <dt>{t('ratings:at')}</dt>
            <dd>{formatInstant(item.ratedAt, locale)}</dd>
            <dt>{t('ratings:rectifications.deadline')}</dt>
            <dd>
              <KnownDay day={item.deadline} pendingYear={item.calendarPendingYear} locale={locale} />
            </dd>
          </dl>
          <FollowUpForm item={item} lastResult={actionData?.id === item.id ? actionData.lastResult : undefined} />
        </section>
      ))}
      <Pager list="open" page={page.openPage} more={page.moreOpen} other={page.closedPage} />
      <h2 id="closed">{t('ratings:rectifications.closed')}</h2>
      {closed.length > 0 && (
        <TableScroll label={t('ratings:rectifications.closedCaption')}>
          <table>
            <caption>{t('ratings:rectifications.closedCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('ratings:rectifications.application')}</th>
                <th scope="col">{t('ratings:rectifications.score')}</th>
                <th scope="col">{t('ratings:rectifications.outcome')}</th>
                <th scope="col">{t('ratings:rectifications.contactNote')}</th>
                <th scope="col">{t('ratings:rectifications.closedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {closed.map((item) => (
                <tr key={item.id}>
                  <th scope="row">{item.applicationNumber}</th>
                  <td>{t(`ratings:scores.${item.score}`)}</td>
                  <td>{item.outcome ? t(`ratings:rectifications.outcomes.${item.outcome}`) : ''}</td>
                  <td>{item.contactNote}</td>
                  <td>{formatInstant(item.closedAt, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager list="closed" page={page.closedPage} more={page.moreClosed} other={page.openPage} />
    </div>
  );
}
