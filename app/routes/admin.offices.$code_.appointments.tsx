import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { appointmentCapacitySchema, dayCapacitySchema, removeDayCapacitySchema } from '#services/admin/schemas';
import { formatDay } from '~/components/application/format';
import { translateError } from '~/components/forms/translate-error';
import { ErrorSummary, SubmitButton, TextField } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { adminFormCall, getAppointmentCapacity, getOffice, removeDayCapacity, setAppointmentCapacity, setDayCapacity } from '~/utils/admin.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { invalidResponse } from '~/utils/form-errors.server';
import { officeCodeParam } from '~/utils/params.server';
import { officeName } from '~/utils/office-name';
import { requireUser } from '~/utils/session.server';
import { TableScroll } from '~/components/scroll-region';

/**
 * An office's capacity for booked visits (docs/decisions/0039): windows × people per window and
 * hour, and days with a figure of their own. Its own page, so the office form stays as it was.
 */
export const handle = { i18n: ['common', 'admin', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

type Intent = 'office' | 'day' | 'removeDay';

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const code = officeCodeParam(params);
  const office = await orThrowResponse(() => getOffice(ctx, code));
  const capacity = await orThrowResponse(() => getAppointmentCapacity(ctx, code));
  const t = await getFixedT(request, ['admin', 'common']);
  const locale = await getLocale(request);
  const name = officeName(t, locale, office);
  const url = new URL(request.url);
  const above = url.searchParams.get('above');
  const saved = url.searchParams.get('saved');
  return json({
    code,
    name,
    locale,
    capacity,
    saved: saved === '1' || saved === 'day' || saved === 'removed' ? saved : null,
    above: above && /^\d{1,6}$/.test(above) ? Number(above) : 0,
    title: `${t('admin:capacity.title', { name })} - ${t('common:siteName')}`,
  });
}

const savedTo = (code: string, what: string, slotsAbove: number) =>
  redirect(`/admin/offices/${code}/appointments?saved=${what}${slotsAbove ? `&above=${slotsAbove}` : ''}`, 303);

/** Each form's answer says which form it is, so its errors show beside its own fields. */
const forIntent = async (intent: Intent, response: Response) => json({ intent, ...(await response.json()) }, { status: response.status });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const code = officeCodeParam(params);
  // Out of the administrator's tree there is no such office, whatever was posted (404 before any form error).
  await orThrowResponse(() => getOffice(ctx, code));
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  if (intent === 'day') {
    const submission = parseWithZod(formData, { schema: dayCapacitySchema });
    if (submission.status !== 'success') return forIntent('day', invalidResponse(submission));
    const result = await adminFormCall(submission, () => setDayCapacity(ctx, code, submission.value));
    if ('response' in result) return forIntent('day', result.response);
    return savedTo(code, 'day', result.ok.slotsAbove);
  }
  if (intent === 'removeDay') {
    const submission = parseWithZod(formData, { schema: removeDayCapacitySchema });
    if (submission.status !== 'success') return forIntent('removeDay', invalidResponse(submission));
    const result = await adminFormCall(submission, () => removeDayCapacity(ctx, code, submission.value.day));
    if ('response' in result) return forIntent('removeDay', result.response);
    return savedTo(code, 'removed', result.ok.slotsAbove);
  }
  const submission = parseWithZod(formData, { schema: appointmentCapacitySchema });
  if (submission.status !== 'success') return forIntent('office', invalidResponse(submission));
  const result = await adminFormCall(submission, () => setAppointmentCapacity(ctx, code, submission.value));
  if ('response' in result) return forIntent('office', result.response);
  return savedTo(code, '1', result.ok.slotsAbove);
}

export default function OfficeAppointmentCapacity() {
  const { code, name, locale, capacity, saved, above } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { intent?: Intent; lastResult?: SubmissionResult<string[]> } | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation(['admin']);
  const resultFor = (intent: Intent) => (actionData?.intent === intent ? actionData.lastResult : undefined);
  const [form, fields] = useForm<{ windows: string; perWindow: string; daysAhead: string }>({
    id: 'office-capacity',
    lastResult: resultFor('office'),
    shouldValidate: 'onSubmit',
    defaultValue: {
      windows: capacity.windows === null ? '' : String(capacity.windows),
      perWindow: capacity.perWindow === null ? '' : String(capacity.perWindow),
      daysAhead: String(capacity.daysAhead ?? 10),
    },
  });
  const [dayForm, dayFields] = useForm<{ day: string; windows: string; perWindow: string }>({
    id: 'day-capacity',
    lastResult: resultFor('day'),
    shouldValidate: 'onSubmit',
    defaultValue: { day: '', windows: '', perWindow: capacity.perWindow === null ? '' : String(capacity.perWindow) },
  });
  const removeResult = resultFor('removeDay');
  const removeError = removeResult?.error?.[''] ?? null;
  return (
    <div className="container narrow">
      <p className="no-print">
        <Link to={`/admin/offices/${code}`}>{t('offices.editTitle', { name })}</Link>
      </p>
      <h1>{t('capacity.title', { name })}</h1>
      {saved && !actionData && (
        <p className="notice-ok" role="status">
          {t(saved === 'day' ? 'capacity.daySaved' : saved === 'removed' ? 'capacity.dayRemoved' : 'capacity.saved')}
          {above > 0 && ` ${t('capacity.keptAbove', { count: above })}`}
        </p>
      )}
      <p>{capacity.seatsPerSlot === null ? t('capacity.none') : t('capacity.lead')}</p>
      {capacity.seatsPerSlot !== null && <p>{t('capacity.current', { count: capacity.seatsPerSlot })}</p>}
      {capacity.mostBooked > 0 && <p>{t('capacity.mostBooked', { count: capacity.mostBooked })}</p>}
      {capacity.slotsAbove > 0 && <p>{t('capacity.slotsAbove', { count: capacity.slotsAbove })}</p>}
      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary
          form={form}
          fields={[
            { meta: fields.windows, label: t('capacity.windows') },
            { meta: fields.perWindow, label: t('capacity.perWindow') },
            { meta: fields.daysAhead, label: t('capacity.daysAhead') },
          ]}
        />
        <input type="hidden" name="intent" value="office" />
        <TextField meta={fields.windows} label={t('capacity.windows')} hint={t('capacity.windowsHint')} required inputMode="numeric" maxLength={6} />
        <TextField meta={fields.perWindow} label={t('capacity.perWindow')} hint={t('capacity.perWindowHint')} required inputMode="numeric" maxLength={6} />
        <TextField meta={fields.daysAhead} label={t('capacity.daysAhead')} hint={t('capacity.daysHint')} required inputMode="numeric" maxLength={6} />
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('capacity.submit')}</SubmitButton>
        </div>
      </Form>
      {capacity.seatsPerSlot !== null && (
        <section className="card" aria-labelledby="days-title">
          <h2 id="days-title">{t('capacity.daysTitle')}</h2>
          <p>{t('capacity.daysLead')}</p>
          {removeError && (
            <p className="error-summary" role="alert">
              {translateError(t, removeError[0])}
            </p>
          )}
          {capacity.days.length === 0 ? (
            <p>{t('capacity.noDays')}</p>
          ) : (
            <TableScroll label={t('capacity.daysTitle')}>
              <table>
                <caption className="visually-hidden">{t('capacity.daysTitle')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('capacity.day')}</th>
                    <th scope="col">{t('capacity.dayFigure')}</th>
                    <th scope="col">{t('capacity.dayBooked')}</th>
                    <td />
                  </tr>
                </thead>
                <tbody>
                  {capacity.days.map((d) => (
                    <tr key={d.day}>
                      <th scope="row">
                        <time dateTime={d.day}>{formatDay(d.day, locale)}</time>
                      </th>
                      <td>{d.seatsPerSlot === 0 ? t('capacity.dayClosed') : t('capacity.dayProduct', { windows: d.windows, perWindow: d.perWindow, count: d.seatsPerSlot })}</td>
                      <td>{d.mostBooked}</td>
                      <td>
                        <Form method="post">
                          <input type="hidden" name="intent" value="removeDay" />
                          <input type="hidden" name="day" value={d.day} />
                          <SubmitButton variant="secondary">{t('capacity.dayRemove', { day: formatDay(d.day, locale) })}</SubmitButton>
                        </Form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          <Form method="post" className="form" {...getFormProps(dayForm)} noValidate>
            <ErrorSummary
              form={dayForm}
              fields={[
                { meta: dayFields.day, label: t('capacity.day') },
                { meta: dayFields.windows, label: t('capacity.dayWindows') },
                { meta: dayFields.perWindow, label: t('capacity.perWindow') },
              ]}
            />
            <input type="hidden" name="intent" value="day" />
            <TextField meta={dayFields.day} type="date" label={t('capacity.day')} hint={t('capacity.dayHint')} required />
            <TextField meta={dayFields.windows} label={t('capacity.dayWindows')} hint={t('capacity.dayWindowsHint')} required inputMode="numeric" maxLength={6} />
            <TextField meta={dayFields.perWindow} label={t('capacity.perWindow')} hint={t('capacity.perWindowHint')} required inputMode="numeric" maxLength={6} />
            <div className="actions">
              <SubmitButton pending={navigation.state === 'submitting'}>{t('capacity.daySubmit')}</SubmitButton>
            </div>
          </Form>
        </section>
      )}
    </div>
  );
}
