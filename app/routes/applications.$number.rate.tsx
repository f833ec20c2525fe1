import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { isDomainError } from '#services/errors';
import { getRatingForm, rateApplication, ratingSchema } from '#services/ratings/ratings';
import { formatInstant } from '~/components/application/format';
import { ErrorSummary, RadioGroup, SubmitButton, TextareaField } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { applicationNumberParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';

export const handle = { i18n: ['common', 'catalog', 'ratings', 'validation', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/**
 * 好差评: the citizen rates their completed application online; a clerk of the office records the
 * rating a citizen gave at the window (the service tells the channel by the actor's role).
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen', 'clerk']);
  const form = await orThrowResponse(() => getRatingForm(ctx, applicationNumberParam(params, 'review.applicationNotFound')));
  const t = await getFixedT(request, ['ratings', 'common']);
  return json({ form, role: ctx.actor.role, locale: await getLocale(request), title: `${t('ratings:title')} - ${t('common:siteName')}` });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen', 'clerk']);
  const number = applicationNumberParam(params, 'review.applicationNotFound');
  const submission = parseWithZod(await readFormData(request), { schema: ratingSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  try {
    await rateApplication(ctx, number, submission.value);
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      return domainErrorResponse(submission, e);
    }
    throw e;
  }
  return redirect(`/applications/${encodeURIComponent(number)}/rate`, 303);
}

const SCORES = ['5', '4', '3', '2', '1'] as const;

export default function Rate() {
  const { form: data, role, locale } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>()?.lastResult;
  const navigation = useNavigation();
  const { t, i18n } = useTranslation(['ratings', 'catalog']);
  const [form, fields] = useForm({ id: 'rating', lastResult, shouldValidate: 'onSubmit' });
  const serviceKey = `catalog:services.${data.serviceCode}.name`;
  const service = i18n.exists(serviceKey) ? t(serviceKey) : data.serviceCode;
  const back = role === 'citizen' ? `/applications/${data.number}` : `/desk/applications/${data.number}`;
  return (
    <div className="container narrow">
      <div className="actions no-print">
        <Link to={back}>{t('ratings:back')}</Link>
      </div>
      <h1>{t(role === 'citizen' ? 'ratings:title' : 'ratings:windowTitle')}</h1>
      <p className="lead">{t('ratings:lead', { service, number: data.number })}</p>
      {data.existing && (
        <section className="card" aria-labelledby="rated-heading">
          <h2 id="rated-heading">{t('ratings:thanks')}</h2>
          <dl className="facts">
            <dt>{t('ratings:score')}</dt>
            <dd>{t(`ratings:scores.${data.existing.score}`)}</dd>
            {data.existing.comment && (
              <>
                <dt>{t('ratings:comment')}</dt>
                <dd>{data.existing.comment}</dd>
              </>
            )}
            <dt>{t('ratings:at')}</dt>
            <dd>
              <time dateTime={data.existing.at}>{formatInstant(data.existing.at, locale)}</time>
            </dd>
          </dl>
        </section>
      )}
      {!data.existing && !data.canRate && <p className="card">{t('ratings:notYet')}</p>}
      {data.canRate && (
        <Form method="post" className="form card" {...getFormProps(form)} noValidate>
          <ErrorSummary
            form={form}
            fields={[
              { meta: fields.score, label: t('ratings:score') },
              { meta: fields.comment, label: t('ratings:comment') },
            ]}
          />
          <RadioGroup meta={fields.score} legend={t('ratings:score')} required inline={false} options={SCORES.map((s) => ({ value: s, label: t(`ratings:scores.${s}`) }))} />
          <TextareaField meta={fields.comment} label={t('ratings:comment')} hint={t('ratings:commentHint')} maxLength={500} rows={4} />
          <div className="actions">
            <SubmitButton pending={navigation.state === 'submitting'}>{t('ratings:submit')}</SubmitButton>
          </div>
        </Form>
      )}
    </div>
  );
}
