import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { bookAppointment, cancelAppointment, getAppointmentPage } from '#services/appointments/appointments';
import { bookSchema, cancelSchema } from '#services/appointments/schemas';
import { isDomainError } from '#services/errors';
import { formatDay } from '~/components/application/format';
import { ErrorSummary, RadioGroup, SubmitButton } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { applicationNumberParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'catalog', 'appointments', 'validation', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

const DONE = ['booked', 'cancelled'] as const;

/**
 * Booking the one visit (decision 0033): the days the office offers, each a plain link
 * (?day=…); then the chosen day's times as radios and one submit. Works without JavaScript.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const url = new URL(request.url);
  const page = await orThrowResponse(() => getAppointmentPage(ctx, applicationNumberParam(params, 'application.notFound'), url.searchParams.get('day')));
  const t = await getFixedT(request, ['appointments', 'common']);
  const done = url.searchParams.get('done');
  return json({
    page,
    done: DONE.find((d) => d === done) ?? null,
    locale: await getLocale(request),
    title: `${t('appointments:title')} - ${t('common:siteName')}`,
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const number = applicationNumberParam(params, 'application.notFound');
  const formData = await readFormData(request);
  const cancelling = formData.get('intent') === 'cancel';
  const submission = cancelling ? parseWithZod(formData, { schema: cancelSchema }) : parseWithZod(formData, { schema: bookSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  try {
    if (submission.value.intent === 'cancel') await cancelAppointment(ctx, number);
    else await bookAppointment(ctx, number, { day: submission.value.day, time: submission.value.time });
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      return domainErrorResponse(submission, e);
    }
    throw e;
  }
  return redirect(`/applications/${number}/appointment?done=${cancelling ? 'cancelled' : 'booked'}`, 303);
}

export default function Appointment() {
  const { page, done, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation(['appointments', 'catalog', 'common']);
  // Each form shows its own refusal: the answer names the intent it was for.
  const lastResult = actionData?.lastResult;
  const forCancel = (lastResult?.initialValue as Record<string, unknown> | undefined)?.intent === 'cancel';
  const [form, fields] = useForm({ id: 'book', lastResult: forCancel ? undefined : lastResult, shouldValidate: 'onSubmit' });
  const [cancelForm] = useForm({ id: 'cancel', lastResult: forCancel ? lastResult : undefined, shouldValidate: 'onSubmit' });
  const serviceKey = `catalog:services.${page.serviceCode}.name`;
  const service = i18n.exists(serviceKey) ? t(serviceKey) : page.serviceCode;
  const office = page.officeCode ? t(`common:offices.${page.officeCode}`) : '';
  const c = page.current;
  const choosing = page.days.length > 0;
  const base = `/applications/${page.number}/appointment`;
  return (
    <div className="container narrow">
      <div className="actions no-print">
        <Link to={`/applications/${page.number}`}>{t('appointments:back')}</Link>
      </div>
      <h1>{t('appointments:title')}</h1>
      <p className="lead">{t('appointments:lead', { service, number: page.number, office })}</p>
      {done && !actionData && (
        <p className="notice-ok" role="status">
          {t(`appointments:done.${done}`)}
        </p>
      )}
      {/* Above the lists: a refused booking still reads when the day's times are no longer shown. */}
      <ErrorSummary form={form} fields={[{ meta: fields.time, label: t('appointments:times.legend') }, { meta: fields.day, label: t('appointments:times.day') }]} />
      <ErrorSummary form={cancelForm} fields={[]} />
      {page.blocked && <p className="card">{t(`appointments:blocked.${page.blocked}`)}</p>}

      {c && (
        <section className="card" aria-labelledby="booked-heading">
          <h2 id="booked-heading">{t('appointments:booked.heading')}</h2>
          <dl className="facts">
            <dt>{t('appointments:booked.when')}</dt>
            <dd>
              <time dateTime={c.day}>{formatDay(c.day, locale)}</time> {c.time}
            </dd>
            <dt>{t('appointments:booked.where')}</dt>
            <dd>{office}</dd>
          </dl>
          <p className="hint">{t('appointments:booked.bring')}</p>
          {c.canChange ? (
            <p className="hint">{t('appointments:booked.changesLeft', { count: c.reschedulesLeft })}</p>
          ) : (
            <p className="hint">{t(c.canCancel ? 'appointments:booked.noMoreChanges' : 'appointments:booked.tooLate')}</p>
          )}
          {c.canCancel && (
            <Form method="post" className="form" {...getFormProps(cancelForm)} noValidate>
              <div className="actions">
                <SubmitButton name="intent" value="cancel" variant="secondary" pending={navigation.state === 'submitting'}>
                  {t('appointments:cancel')}
                </SubmitButton>
              </div>
            </Form>
          )}
        </section>
      )}

      {choosing && (
        <section className="card" aria-labelledby="days-heading">
          <h2 id="days-heading">{t(c ? 'appointments:days.rescheduleHeading' : 'appointments:days.heading')}</h2>
          <p className="hint">{t('appointments:days.hint')}</p>
          <ul className="day-list">
            {page.days.map((d) => (
              <li key={d.day}>
                {d.free > 0 ? (
                  <Link to={`${base}?day=${d.day}#times-heading`} aria-current={d.day === page.chosenDay ? 'true' : undefined}>
                    {formatDay(d.day, locale)}
                  </Link>
                ) : (
                  <span>{formatDay(d.day, locale)}</span>
                )}{' '}
                <span className="muted">{d.free > 0 ? t('appointments:days.free', { count: d.free }) : t('appointments:days.full')}</span>
              </li>
            ))}
          </ul>
          {page.calendarPendingYear !== null && <p className="hint">{t('appointments:days.calendarPending', { year: page.calendarPendingYear })}</p>}
        </section>
      )}
      {!page.blocked && (!c || c.canChange) && !choosing && <p className="card">{t('appointments:days.none')}</p>}

      {page.chosenDay && (
        <section className="card" aria-labelledby="times-heading">
          <h2 id="times-heading">{t('appointments:times.heading', { day: formatDay(page.chosenDay, locale) })}</h2>
          {page.times.every((s) => s.free === 0) ? (
            <p>{t('appointments:times.none')}</p>
          ) : (
            <Form method="post" action={`${base}?day=${page.chosenDay}`} className="form" {...getFormProps(form)} noValidate>
              <input type="hidden" name="day" value={page.chosenDay} />
              <RadioGroup
                meta={fields.time}
                legend={t('appointments:times.legend')}
                required
                inline={false}
                options={page.times.filter((s) => s.free > 0).map((s) => ({ value: s.time, label: s.time, hint: t('appointments:times.free', { count: s.free }) }))}
              />
              <div className="actions">
                <SubmitButton name="intent" value="book" pending={navigation.state === 'submitting'}>
                  {t(c ? 'appointments:times.reschedule' : 'appointments:times.book')}
                </SubmitButton>
              </div>
            </Form>
          )}
        </section>
      )}
    </div>
  );
}
