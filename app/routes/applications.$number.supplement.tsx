import { getFormProps, useForm, type FieldMetadata } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import {
  json,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { listedText } from '~/utils/listed-text';
import { z } from 'zod';
import { DomainError, isDomainError } from '#services/errors';
import { acceptAttribute } from '#services/files/kinds';
import { createUploadReceiver, hardRequestCap } from '#services/files/upload-receiver';
import { getSupplementForm, submitSupplement, supplementFilesFrom } from '#services/review/supplement';
import { formatDay } from '~/components/application/format';
import { ErrorSummary, FileField, SubmitButton } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { domainErrorResponse } from '~/utils/form-errors.server';
import { readFormData } from '~/utils/form-data.server';
import { applicationNumberParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'notice', 'catalog', 'applications', 'validation', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const form = await orThrowResponse(() => getSupplementForm(ctx, applicationNumberParam(params, 'review.applicationNotFound')));
  const t = await getFixedT(request, ['notice', 'common']);
  return json({ form, locale: await getLocale(request), title: `${t('notice:supplement.title')} - ${t('common:siteName')}` });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const number = applicationNumberParam(params, 'review.applicationNotFound');
  const receiver = createUploadReceiver(ctx.config);
  const submission = parseWithZod(new FormData(), { schema: z.object({}) });
  try {
    const length = Number(request.headers.get('Content-Length') ?? '0');
    if (length > hardRequestCap(ctx.config)) {
      throw new DomainError('upload.requestTooLarge', 413, { params: { max: Math.round(ctx.config.maxRequestBytes / (1024 * 1024)) } });
    }
    if (!(request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')) throw new DomainError('badRequest', 415);
    await readFormData(request, receiver.handle);
    await submitSupplement(ctx, number, supplementFilesFrom(receiver, ctx.config));
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      return domainErrorResponse(submission, e);
    }
    throw e;
  }
  return redirect(`/applications/${number}?supplemented=1`);
}

export default function SupplementPage() {
  const { form: view, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation(['notice', 'catalog', 'common']);
  const [form, fields] = useForm<{ material: Record<string, unknown> }>({
    id: 'supplement',
    lastResult: actionData && 'lastResult' in actionData ? actionData.lastResult : undefined,
    shouldValidate: 'onSubmit',
  });
  const materialFields = fields.material.getFieldset() as unknown as Record<string, FieldMetadata>;
  const items = view.notice?.items ?? [];
  return (
    <div className="container narrow">
      <p>
        <Link to={`/applications/${view.number}/notice`}>{t('notice:supplement.backToNotice')}</Link>
      </p>
      <h1>{t('notice:supplement.title')}</h1>
      {!view.open ? (
        <p className="card" role="status">
          {view.status === 'needs_supplement' ? t('notice:supplement.closedDeadline') : t('notice:supplement.closedStatus')}
        </p>
      ) : (
        <>
          <p className="lead">
            {t('notice:supplement.intro', { deadline: formatDay(view.notice?.supplementDeadline, locale) })}
          </p>
          <Form method="post" className="form card" {...getFormProps(form)} encType="multipart/form-data" noValidate>
            <ErrorSummary
              form={form}
              fields={items.map((i) => ({ meta: materialFields[i.materialCode], label: t(`catalog:materials.${i.materialCode}.name`) }))}
            />
            {items.map((i) => (
              <FileField
                key={i.materialCode}
                meta={materialFields[i.materialCode]}
                label={t(`catalog:materials.${i.materialCode}.name`)}
                hint={
                  <>
                    {i.verdict === 'missing' ? t('notice:missing') : t('notice:deficient', { reason: t(`catalog:deficiency.${i.reasonCode}`) })}
                    {i.note ? ` · ${t('notice:clerkNote', { note: i.note })}` : ''}
                    <br />
                    {listedText(i.requirementText, locale) ?? t(`catalog:${i.requirementKey}`)}
                    <br />
                    {t('notice:supplement.accepts', { kinds: (view.accept[i.materialCode] ?? []).map((k) => k.toUpperCase()).join(' / ') })}
                  </>
                }
                required
                accept={acceptAttribute(view.accept[i.materialCode] ?? [])}
              />
            ))}
            <p className="hint">{t('notice:supplement.rest')}</p>
            <div className="actions">
              <SubmitButton pending={navigation.state === 'submitting'}>{t('notice:supplement.submit')}</SubmitButton>
            </div>
          </Form>
        </>
      )}
    </div>
  );
}
