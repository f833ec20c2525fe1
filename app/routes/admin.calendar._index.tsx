import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { calendarOverview, createCalendarYear } from '#services/calendar/calendar-years';
import { createYearSchema } from '#services/calendar/calendar-forms';
import { isDomainError } from '#services/errors';
import { CalendarWarning } from '~/components/admin/calendar-warning';
import { formatInstant } from '~/components/application/format';
import { ErrorSummary, SubmitButton } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { requireUser } from '~/utils/session.server';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'adminCatalog', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** The root administrator's list of calendar years (docs/decisions/0028). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const overview = await orThrowResponse(() => calendarOverview(ctx));
  const t = await getFixedT(request, ['adminCatalog', 'common']);
  return json({ overview, locale: await getLocale(request), title: `${t('adminCatalog:calendar.title')} - ${t('common:siteName')}` });
}

/** Opens a draft for the next year, then shows it. */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: createYearSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  try {
    const year = await createCalendarYear(ctx, submission.value);
    return redirect(`/admin/calendar/${year}`, 303);
  } catch (e) {
    if (isDomainError(e)) return domainErrorResponse(submission, e);
    throw e;
  }
}

export default function CalendarYears() {
  const { overview, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { lastResult?: SubmissionResult<string[]> } | undefined;
  const { t } = useTranslation(['adminCatalog', 'common']);
  const [form, fields] = useForm({ id: 'calendar-create', lastResult: actionData?.lastResult, shouldValidate: 'onSubmit' });
  return (
    <div className="container">
      <h1>{t('adminCatalog:calendar.title')}</h1>
      <p className="lead">{t('adminCatalog:calendar.lead')}</p>
      <CalendarWarning year={overview.nextYearMissing} />
      <TableScroll label={t('adminCatalog:calendar.years')}>
        <table>
          <caption>{t('adminCatalog:calendar.years')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('adminCatalog:calendar.year')}</th>
              <th scope="col">{t('adminCatalog:calendar.status')}</th>
              <th scope="col">{t('adminCatalog:calendar.source')}</th>
              <th scope="col">{t('adminCatalog:calendar.verified')}</th>
              <th scope="col">{t('adminCatalog:calendar.holidays')}</th>
              <th scope="col">{t('adminCatalog:calendar.workdays')}</th>
            </tr>
          </thead>
          <tbody>
            {overview.years.map((y) => (
              <tr key={y.year}>
                <th scope="row">
                  <Link to={`/admin/calendar/${y.year}`} aria-label={t('adminCatalog:calendar.open', { year: y.year })}>
                    {y.year}
                  </Link>
                </th>
                <td>{y.publishedAt ? t('adminCatalog:calendar.published', { date: formatInstant(y.publishedAt, locale) }) : t('adminCatalog:calendar.draft')}</td>
                <td>{y.source || t('adminCatalog:calendar.noSource')}</td>
                <td>{y.verified ? t('adminCatalog:calendar.verifiedYes') : t('adminCatalog:calendar.verifiedNo')}</td>
                <td>{y.holidays}</td>
                <td>{y.workdays}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {overview.nextToEnter !== null ? (
        <Form method="post" className="form" {...getFormProps(form)} noValidate>
          <ErrorSummary form={form} fields={[{ meta: fields.year, label: t('adminCatalog:calendar.year') }]} />
          <input type="hidden" name="year" value={overview.nextToEnter} />
          <SubmitButton>{t('adminCatalog:calendar.create', { year: overview.nextToEnter })}</SubmitButton>
        </Form>
      ) : (
        <p>{t('adminCatalog:calendar.createdNone')}</p>
      )}
    </div>
  );
}
