import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { appointmentCapacitySchema } from '#services/admin/schemas';
import { ErrorSummary, SubmitButton, TextField } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { adminFormCall, getAppointmentCapacity, getOffice, setAppointmentCapacity } from '~/utils/admin.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { invalidResponse } from '~/utils/form-errors.server';
import { officeCodeParam } from '~/utils/params.server';
import { officeName } from '~/utils/office-name';
import { requireUser } from '~/utils/session.server';

/** An office's capacity for booked visits (docs/decisions/0039): its own page, so the office form stays as it was. */
export const handle = { i18n: ['common', 'admin', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const code = officeCodeParam(params);
  const office = await orThrowResponse(() => getOffice(ctx, code));
  const capacity = await orThrowResponse(() => getAppointmentCapacity(ctx, code));
  const t = await getFixedT(request, ['admin', 'common']);
  const name = officeName(t, await getLocale(request), office);
  const url = new URL(request.url);
  const above = url.searchParams.get('above');
  return json({
    code,
    name,
    capacity,
    saved: url.searchParams.get('saved') === '1',
    above: above && /^\d{1,6}$/.test(above) ? Number(above) : 0,
    title: `${t('admin:capacity.title', { name })} - ${t('common:siteName')}`,
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const code = officeCodeParam(params);
  // Out of the administrator's tree there is no such office, whatever was posted (404 before any form error).
  await orThrowResponse(() => getOffice(ctx, code));
  const submission = parseWithZod(await readFormData(request), { schema: appointmentCapacitySchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  const result = await adminFormCall(submission, () => setAppointmentCapacity(ctx, code, submission.value));
  if ('response' in result) return result.response;
  return redirect(`/admin/offices/${code}/appointments?saved=1${result.ok.slotsAbove ? `&above=${result.ok.slotsAbove}` : ''}`, 303);
}

export default function OfficeAppointmentCapacity() {
  const { code, name, capacity, saved, above } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { lastResult?: SubmissionResult<string[]> } | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation(['admin']);
  const [form, fields] = useForm<{ seatsPerSlot: string; daysAhead: string }>({
    id: 'office-capacity',
    lastResult: actionData?.lastResult,
    shouldValidate: 'onSubmit',
    defaultValue: {
      seatsPerSlot: capacity.seatsPerSlot === null ? '' : String(capacity.seatsPerSlot),
      daysAhead: String(capacity.daysAhead ?? 10),
    },
  });
  return (
    <div className="container narrow">
      <p className="no-print">
        <Link to={`/admin/offices/${code}`}>{t('offices.editTitle', { name })}</Link>
      </p>
      <h1>{t('capacity.title', { name })}</h1>
      {saved && !actionData && (
        <p className="notice-ok" role="status">
          {t('capacity.saved')}
          {above > 0 && ` ${t('capacity.keptAbove', { count: above })}`}
        </p>
      )}
      <p>{capacity.seatsPerSlot === null ? t('capacity.none') : t('capacity.lead')}</p>
      {capacity.mostBooked > 0 && <p>{t('capacity.mostBooked', { count: capacity.mostBooked })}</p>}
      <Form method="post" className="form card" {...getFormProps(form)} noValidate>
        <ErrorSummary
          form={form}
          fields={[
            { meta: fields.seatsPerSlot, label: t('capacity.seatsPerSlot') },
            { meta: fields.daysAhead, label: t('capacity.daysAhead') },
          ]}
        />
        <TextField meta={fields.seatsPerSlot} label={t('capacity.seatsPerSlot')} hint={t('capacity.seatsHint')} required inputMode="numeric" maxLength={6} />
        <TextField meta={fields.daysAhead} label={t('capacity.daysAhead')} hint={t('capacity.daysHint')} required inputMode="numeric" maxLength={6} />
        <div className="actions">
          <SubmitButton pending={navigation.state === 'submitting'}>{t('capacity.submit')}</SubmitButton>
        </div>
      </Form>
    </div>
  );
}
