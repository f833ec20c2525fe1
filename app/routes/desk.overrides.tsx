import type { Submission } from '@conform-to/react';
import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { isDomainError } from '#services/errors';
import { decideOverrideRequest, listOverrideRequests, OVERRIDE_LIST_LIMIT, type OverrideRequestView } from '#services/review/override-requests';
import { OVERRIDE_DECISIONS, overrideDecisionSchema } from '#services/review/schemas';
import { formatInstant } from '~/components/application/format';
import { ErrorSummary, RadioGroup, SubmitButton, TextareaField } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { replyWithDomainError } from '~/utils/form-errors.server';
import { readFormData } from '~/utils/form-data.server';
import { requireUser } from '~/utils/session.server';
import { withOfficeNames } from '~/utils/office-names.server';
import { useOfficeName } from '~/utils/office-name';

export const handle = { i18n: ['common', 'desk', 'catalog', 'errors', 'validation'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

type ActionData = { requestId: string; lastResult: NonNullable<ReturnType<Submission<unknown>['reply']>> };

/** The office manager's list of clerks' override requests, each answered in its own form. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['manager']);
  const list = await orThrowResponse(() => listOverrideRequests(ctx));
  const done = new URL(request.url).searchParams.get('done');
  const t = await getFixedT(request, ['desk', 'common']);
  return json(await withOfficeNames(context.db, {
    limit: OVERRIDE_LIST_LIMIT,
    ...list,
    done: (OVERRIDE_DECISIONS as readonly string[]).includes(done ?? '') ? (done as (typeof OVERRIDE_DECISIONS)[number]) : null,
    locale: await getLocale(request),
    title: `${t('desk:overrides.title')} - ${t('common:siteName')}`,
  }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['manager']);
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: overrideDecisionSchema });
  const requestId = String(formData.get('requestId') ?? '');
  if (submission.status !== 'success') return json<ActionData>({ requestId, lastResult: submission.reply() }, { status: 400 });
  try {
    const { decision } = await decideOverrideRequest(ctx, submission.value);
    return redirect(`/desk/overrides?done=${decision}`);
  } catch (e) {
    if (isDomainError(e)) {
      // Another office's request reads as not found, as on every desk page.
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      return json<ActionData>({ requestId, lastResult: replyWithDomainError(submission as Submission<unknown>, e) }, { status: e.status });
    }
    throw e;
  }
}

export default function OverridesPage() {
  const { officeCode, requests, done, locale, limit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(['desk', 'common']);
  const { officeName } = useOfficeName();
  return (
    <div className="container">
      <h1>{t('desk:overrides.title')}</h1>
      {done && !actionData && (
        <p className="notice-ok" role="status">
          {t(`desk:overrides.done.${done}`)}
        </p>
      )}
      <p className="lead">{t('desk:overrides.intro', { office: officeName(officeCode) })}</p>
      {requests.length === 0 ? (
        <p className="card">{t('desk:overrides.none')}</p>
      ) : (
        <>
          {requests.length >= limit && <p className="muted">{t('desk:overrides.more', { count: requests.length })}</p>}
          {requests.map((r) => (
            <DecideForm key={r.id} request={r} locale={locale} lastResult={actionData?.requestId === r.id ? actionData.lastResult : undefined} />
          ))}
        </>
      )}
    </div>
  );
}

function DecideForm({ request: r, locale, lastResult }: { request: OverrideRequestView; locale: string; lastResult: ActionData['lastResult'] | undefined }) {
  const { t } = useTranslation(['desk', 'catalog']);
  const [form, fields] = useForm({
    id: `decide-${r.id}`,
    lastResult,
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: overrideDecisionSchema }),
  });
  const headingId = `request-${r.id}`;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('desk:overrides.requestHeading', { number: r.number, service: t(`catalog:services.${r.serviceCode}.name`) })}</h2>
      <p className="muted">{t('desk:overrides.askedBy', { name: r.clerk.name, staffNo: r.clerk.staffNo ?? '', at: formatInstant(r.requestedAt, locale) })}</p>
      <p>{t('desk:overrides.clerkReason', { reason: r.reason })}</p>
      <p>
        <Link to={`/desk/applications/${r.number}`}>{t('desk:overrides.open')}</Link>
      </p>
      <Form method="post" className="form" {...getFormProps(form)} noValidate>
        <ErrorSummary
          form={form}
          fields={[
            { meta: fields.decision, label: t('desk:overrides.decision') },
            { meta: fields.reason, label: t('desk:overrides.reason') },
          ]}
        />
        <input type="hidden" name="requestId" value={r.id} />
        <RadioGroup
          meta={fields.decision}
          legend={t('desk:overrides.decision')}
          required
          options={OVERRIDE_DECISIONS.map((d) => ({ value: d, label: t(`desk:overrides.${d}`) }))}
        />
        <TextareaField meta={fields.reason} label={t('desk:overrides.reason')} hint={t('desk:overrides.reasonHint')} required rows={3} />
        <div className="actions">
          <SubmitButton>{t('desk:overrides.submit')}</SubmitButton>
        </div>
      </Form>
    </section>
  );
}
