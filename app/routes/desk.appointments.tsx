import { useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { listOfficeAppointments, markAppointment } from '#services/appointments/appointments';
import { markSchema } from '#services/appointments/schemas';
import { addDays } from '#services/calendar/days';
import { isDomainError } from '#services/errors';
import { formatDay } from '~/components/application/format';
import { StatusBadge } from '~/components/application/status-badge';
import { ErrorSummary, SubmitButton } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { requireUser } from '~/utils/session.server';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'desk', 'catalog', 'applications', 'appointments', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** The office's booked visits of one day (today unless ?day=), each linking to its application. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['clerk', 'manager']);
  const url = new URL(request.url);
  const list = await orThrowResponse(() => listOfficeAppointments(ctx, url.searchParams.get('day')));
  const t = await getFixedT(request, ['appointments', 'common']);
  return json({
    list,
    marked: url.searchParams.get('done') === 'marked',
    locale: await getLocale(request),
    title: `${t('appointments:desk.title')} - ${t('common:siteName')}`,
  });
}

/** The clerk records a visit kept or missed (on or after its day). */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['clerk', 'manager']);
  const submission = parseWithZod(await readFormData(request), { schema: markSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  let day: string;
  try {
    ({ day } = await markAppointment(ctx, submission.value));
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      return domainErrorResponse(submission, e);
    }
    throw e;
  }
  return redirect(`/desk/appointments?day=${day}&done=marked`, 303);
}

export default function DeskAppointments() {
  const { list, marked, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation(['appointments', 'catalog', 'common', 'desk']);
  const [form] = useForm({ id: 'mark', lastResult: actionData?.lastResult, shouldValidate: 'onSubmit' });
  const service = (code: string) => (i18n.exists(`catalog:services.${code}.name`) ? t(`catalog:services.${code}.name`) : code);
  return (
    <div className="container">
      <p>
        <Link to="/desk">{t('appointments:desk.back')}</Link>
      </p>
      <h1>{t('appointments:desk.heading', { day: formatDay(list.day, locale), office: t(`common:offices.${list.officeCode}`) })}</h1>
      <nav aria-label={t('appointments:desk.otherDays')} className="actions">
        <Link to={`/desk/appointments?day=${addDays(list.day, -1)}`}>{t('appointments:desk.previous')}</Link>
        {list.day !== list.today && <Link to="/desk/appointments">{t('appointments:desk.today')}</Link>}
        <Link to={`/desk/appointments?day=${addDays(list.day, 1)}`}>{t('appointments:desk.next')}</Link>
      </nav>
      {marked && !actionData && (
        <p className="notice-ok" role="status">
          {t('appointments:desk.marked')}
        </p>
      )}
      <ErrorSummary form={form} fields={[]} />
      {list.visits.length === 0 ? (
        <p className="card">{t('appointments:desk.none')}</p>
      ) : (
        <TableScroll label={t('appointments:desk.caption', { count: list.visits.length })}>
          <table>
            <caption>{t('appointments:desk.caption', { count: list.visits.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('appointments:desk.time')}</th>
                <th scope="col">{t('appointments:desk.application')}</th>
                <th scope="col">{t('appointments:desk.service')}</th>
                <th scope="col">{t('appointments:desk.applicationStatus')}</th>
                <th scope="col">{t('appointments:desk.status')}</th>
              </tr>
            </thead>
            <tbody>
              {list.visits.map((v) => (
                <tr key={v.id}>
                  <td>{v.time}</td>
                  <td>
                    <Link to={`/desk/applications/${v.number}`}>{v.number}</Link>
                  </td>
                  <td>{service(v.serviceCode)}</td>
                  <td>
                    <StatusBadge status={v.applicationStatus} />
                  </td>
                  <td>
                    {v.status === 'booked' && list.canMark ? (
                      <Form method="post" className="inline-form" id={`mark-${v.id}`} noValidate>
                        <input type="hidden" name="id" value={v.id} />
                        <SubmitButton name="outcome" value="kept" pending={navigation.state === 'submitting'} aria-label={t('appointments:desk.keptLabel', { number: v.number })}>
                          {t('appointments:desk.kept')}
                        </SubmitButton>{' '}
                        <SubmitButton name="outcome" value="missed" variant="secondary" pending={navigation.state === 'submitting'} aria-label={t('appointments:desk.missedLabel', { number: v.number })}>
                          {t('appointments:desk.missed')}
                        </SubmitButton>
                      </Form>
                    ) : (
                      t(`appointments:status.${v.status}`)
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </div>
  );
}
