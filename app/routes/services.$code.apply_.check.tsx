import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { getCheckView } from '#services/applications/check-view';
import { confirmDraft } from '#services/applications/submit';
import { isDomainError } from '#services/errors';
import { AnswerList } from '~/components/application/answer-list';
import { formatBytes } from '~/components/application/format';
import { SubmitButton } from '~/components/forms';
import { encodeError, translateError } from '~/components/forms/translate-error';
import { getFixedT, getLocale } from '~/i18next.server';
import { notFoundResponse, orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { serviceCodeParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';
import { withOfficeNames } from '~/utils/office-names.server';

export const handle = { i18n: ['common', 'catalog', 'applications', 'validation', 'errors', 'integrations'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** Check your answers (decision 0030): a draft that passed every check, before it is filed. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const code = serviceCodeParam(params);
  const view = await orThrowResponse(() => getCheckView(ctx, code, new URL(request.url).searchParams.get('draft')));
  if (view.submittedNumber) throw redirect(`/applications/${view.submittedNumber}`);
  const t = await getFixedT(request, ['applications', 'catalog', 'common']);
  return json(await withOfficeNames(context.db, {
    view,
    locale: await getLocale(request),
    title: `${t('applications:check.title', { service: t(view.service.nameKey) })} - ${t('common:siteName')}`,
  }));
}

type Problem = { field: string; message: string };

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const code = serviceCodeParam(params);
  const form = await readFormData(request);
  const applicationId = form.get('applicationId');
  try {
    const { number } = await confirmDraft(ctx, code, typeof applicationId === 'string' ? applicationId : '');
    return redirect(`/applications/${number}`);
  } catch (e) {
    if (!isDomainError(e)) throw e;
    if (e.status === 404) throw notFoundResponse(e.code, e.params);
    // Something changed since the check (the records, the calendar): every problem, each linked to the form.
    const problems: Problem[] = Object.entries(e.fieldErrors).flatMap(([field, errs]) => errs.map((message) => ({ field, message })));
    return json({ formError: encodeError(`errors:${e.code}`, e.params), problems }, { status: e.status });
  }
}

export default function CheckAnswersPage() {
  const { view, locale } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const pending = useNavigation().state === 'submitting';
  const { t } = useTranslation(['applications', 'catalog', 'common', 'integrations', 'errors', 'validation']);
  const formHref = `/services/${encodeURIComponent(view.service.code)}/apply?draft=${view.applicationId}`;
  const changeHref = (field: string) => `${formHref}#apply-${field}`;

  return (
    <div className="container narrow">
      <h1>{t('applications:check.title', { service: t(view.service.nameKey) })}</h1>
      <p className="lead">{t('applications:check.intro')}</p>

      {failed && (
        <div className="error-summary" role="alert" aria-labelledby="check-problems-title" tabIndex={-1}>
          <h2 id="check-problems-title">{t('applications:check.problemsTitle')}</h2>
          <p className="error-summary-form-error">{translateError(t, failed.formError)}</p>
          {failed.problems.length > 0 && (
            <ul className="error-summary-list">
              {failed.problems.map((p) => (
                <li key={`${p.field}:${p.message}`}>
                  <a href={changeHref(p.field)}>{translateError(t, p.message)}</a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      <section className="card" aria-labelledby="check-answers-title">
        <h2 id="check-answers-title">{t('applications:check.answersHeading')}</h2>
        <AnswerList lines={view.answers} changeHref={changeHref} />
      </section>

      <section className="card" aria-labelledby="check-materials-title">
        <h2 id="check-materials-title">{t('applications:check.materialsHeading')}</h2>
        <dl className="facts answer-list">
          {view.materials.map(({ material: m, file }) => (
            <div key={m.code} className="facts-row">
              <dt>{t(m.nameKey)}</dt>
              <dd>
                {file
                  ? `${file.originalName} · ${formatBytes(file.sizeBytes, locale)}`
                  : m.verifiedBySharing
                    ? t('applications:check.verifiedBySharing')
                    : t('applications:check.noFile')}{' '}
                <a className="change-link" href={changeHref(m.field)}>
                  {t('applications:check.change')}
                  <span className="visually-hidden"> {t(m.nameKey)}</span>
                </a>
              </dd>
            </div>
          ))}
        </dl>
      </section>

      <Form method="post" className="form">
        <input type="hidden" name="applicationId" value={view.applicationId} />
        <p className="hint">{t('applications:check.confirmHint')}</p>
        <div className="actions">
          <Link className="button secondary" to={formHref}>
            {t('applications:check.backToForm')}
          </Link>
          <SubmitButton pending={pending}>{t('applications:check.confirm')}</SubmitButton>
        </div>
      </Form>
    </div>
  );
}
