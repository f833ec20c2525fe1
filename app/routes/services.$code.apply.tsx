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
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { readApplyForm } from '#services/applications/apply-input';
import { saveDraft } from '#services/applications/drafts';
import { getApplyForm, type ApplyFormView, type MaterialView } from '#services/applications/form-view';
import { checkApplication, submitApplication } from '#services/applications/submit';
import { getService } from '#services/catalog/index';
import { DomainError, isDomainError } from '#services/errors';
import { createUploadReceiver, hardRequestCap, type UploadReceiver } from '#services/files/upload-receiver';
import { AnswerField } from '~/components/application/answer-field';
import { formatInstant } from '~/components/application/format';
import { MaterialUpload } from '~/components/application/material-upload';
import { ErrorSummary, FieldGroup, SubmitButton } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { serviceCodeParam } from '~/utils/params.server';
import { domainErrorResponse } from '~/utils/form-errors.server';
import { requireUser } from '~/utils/session.server';
import { withOfficeNames } from '~/utils/office-names.server';

/**
 * A document without React or Remix in the browser, like every citizen page (decisions 0044, 0046):
 * without JavaScript all fields show, their hints saying when they apply, and the server marks the
 * checklist from the last answers it received (saving the draft re-marks it). Where the item has
 * conditions, a small script of its own (app/enhance/apply-form.ts) shows a field only for the
 * answers it depends on and has the checklist follow the answers as they are typed, by the
 * definition's own rules.
 */
export const handle = {
  i18n: ['common', 'catalog', 'applications', 'validation', 'errors', 'integrations'],
  scripts: false,
  /** Its own script instead (app/enhance/apply-form.ts): what bench/js-size.ts counts for this page. */
  enhancement: 'applyForm',
} as const;

/** Whether the item's fields or checklist depend on the answers: only then is the script worth loading. */
function hasConditions(view: ApplyFormView): boolean {
  return view.fields.some((f) => f.showWhen) || view.materials.some((m) => m.conditionKey);
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const url = new URL(request.url);
  const view = await orThrowResponse(() =>
    getApplyForm(ctx, serviceCodeParam(params), {
      draftId: url.searchParams.get('draft'),
      fresh: url.searchParams.get('new') === '1',
      forOther: url.searchParams.get('for') === 'child',
    }),
  );
  if (view.submittedNumber) throw redirect(`/applications/${view.submittedNumber}`);
  const t = await getFixedT(request, ['applications', 'catalog', 'common']);
  return json(await withOfficeNames(context.db, {
    view,
    locale: await getLocale(request),
    saved: url.searchParams.get('saved') === '1',
    // Null where the item has no conditions or no script was built (tests from sources): the form works without.
    enhancement: hasConditions(view) ? (context.enhancements?.[handle.enhancement] ?? null) : null,
    title: `${t('applications:apply.title', { service: t(view.service.nameKey) })} - ${t('common:siteName')}`,
  }));
}

/**
 * Reads the posted form. Multipart bodies go through the upload receiver, which enforces the
 * file limits part by part without throwing, so the other fields survive an oversized or
 * mistyped file; a form without files may arrive urlencoded. A body far over the limit is
 * refused by its declared length before a byte is read.
 */
async function readBody(request: Request, receiver: UploadReceiver, limits: Parameters<typeof hardRequestCap>[0]): Promise<FormData> {
  const length = Number(request.headers.get('Content-Length') ?? '0');
  if (length > hardRequestCap(limits)) {
    throw new DomainError('upload.requestTooLarge', 413, { params: { max: Math.round(limits.maxRequestBytes / (1024 * 1024)) } });
  }
  return readFormData(request, receiver.handle);
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const code = serviceCodeParam(params);
  const def = await orThrowResponse(async () => getService(code));

  const receiver = createUploadReceiver(ctx.config);
  const formData = await orThrowResponse(() => readBody(request, receiver, ctx.config));
  const entries: [string, string][] = [];
  for (const [name, value] of formData.entries()) if (typeof value === 'string') entries.push([name, value]);
  try {
    const { intent, input } = readApplyForm(def, entries, receiver, ctx.config);
    if (intent === 'save') {
      await saveDraft(ctx, input);
      return redirect(`/services/${encodeURIComponent(code)}/apply?draft=${input.applicationId}&saved=1`);
    }
    if (intent === 'review') {
      const checked = await checkApplication(ctx, input);
      // Submitted meanwhile (a second tab): its receipt, not a second review.
      if (checked.number) return redirect(`/applications/${checked.number}`);
      return redirect(`/services/${encodeURIComponent(code)}/apply/check?draft=${input.applicationId}`);
    }
    const { number } = await submitApplication(ctx, input);
    return redirect(`/applications/${number}`);
  } catch (e) {
    // Parsed only to send the entered values back with the error; the definition's schema runs in the service.
    if (isDomainError(e)) return domainErrorResponse(parseWithZod(formData, { schema: z.record(z.string(), z.unknown()) }), e);
    throw e;
  }
}

type FieldRun = { group: ApplyFormView['fields'][number]['group']; fields: ApplyFormView['fields'] };

/** The fields in order, consecutive fields of one group (the postal address) gathered into one run. */
function runsOf(fields: ApplyFormView['fields']): FieldRun[] {
  const runs: FieldRun[] = [];
  for (const f of fields) {
    const last = runs[runs.length - 1];
    if (f.group && last?.group === f.group) last.fields.push(f);
    else runs.push({ group: f.group, fields: [f] });
  }
  return runs;
}

type ApplyShape = Record<string, unknown> & { material?: Record<string, unknown> };

export default function ApplyPage() {
  const { view, saved, locale, enhancement } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const lastResult = actionData && 'lastResult' in actionData ? actionData.lastResult : undefined;
  const navigation = useNavigation();
  const { t } = useTranslation(['applications', 'catalog', 'common']);
  const [form, fields] = useForm<ApplyShape>({
    id: 'apply',
    lastResult,
    // What the portal knows (the citizen's own ID number) under what the draft says.
    defaultValue: { ...view.prefill, ...view.draft?.answers } as typeof view.prefill,
    shouldValidate: 'onSubmit',
  });
  const materialFields = fields.material.getFieldset() as unknown as Record<string, FieldMetadata>;
  const posted = lastResult?.initialValue as Record<string, unknown> | undefined;
  const applicationId = typeof posted?.applicationId === 'string' ? posted.applicationId : view.applicationId;
  const pending = navigation.state === 'submitting';

  // The server marks the checklist from the answers it last received; the script re-marks it as they are typed.
  const order = new Map(view.materials.map((m, i) => [m.code, i]));
  const applying = view.materials.filter((m) => m.applies !== false);
  const notApplying = view.materials.filter((m) => m.applies === false);
  const material = (m: MaterialView) => (
    // data-order: the script puts the checklist back in one list, in this order.
    <div key={m.code} data-material={m.code} data-order={order.get(m.code)}>
      <MaterialUpload material={m} applies={m.applies} meta={materialFields[m.code]} uploaded={view.draft?.files[m.code]} locale={locale} />
    </div>
  );

  const summaryFields = [
    ...view.fields.map((f) => ({ meta: fields[f.name] as FieldMetadata, label: t(f.labelKey) })),
    ...view.materials.map((m) => ({ meta: materialFields[m.code], label: t(m.nameKey) })),
  ];

  return (
    <div className="container narrow">
      <p className="no-print">
        <Link to={`/services/${view.service.code}`}>{t('applications:apply.guideLink')}</Link>
      </p>
      <h1>{t('applications:apply.title', { service: t(view.service.nameKey) })}</h1>
      <p className="lead">{t('applications:apply.intro')}</p>
      {saved && !lastResult && (
        <p className="notice-ok" role="status">
          {t('applications:apply.saved')}
        </p>
      )}
      {view.draft && !saved && !lastResult && (
        <p className="muted">
          {t('applications:apply.draftLoaded', { date: formatInstant(view.draft.updatedAt, locale) })}{' '}
          <Link to={`/services/${view.service.code}/apply?new=1`}>{t('applications:apply.startNew')}</Link>
        </p>
      )}
      {view.forOther !== null && (
        <p className="hint">
          {view.forOther ? (
            <Link to={`/services/${view.service.code}/apply?new=1`}>{t('applications:apply.forSelf')}</Link>
          ) : (
            <Link to={`/services/${view.service.code}/apply?new=1&for=child`}>{t('applications:apply.forChild')}</Link>
          )}
        </p>
      )}

      <Form
        method="post"
        encType="multipart/form-data"
        className="form"
        {...getFormProps(form)}
        noValidate
        // What the script asks the definition: which item, and the day its rules count ages and dates from.
        data-service={view.service.code}
        data-today={view.today}
      >
        <ErrorSummary form={form} fields={summaryFields} />
        <input type="hidden" name="applicationId" value={applicationId} />

        <section className="card" aria-labelledby="apply-answers-title">
          <h2 id="apply-answers-title">{t('applications:apply.answersHeading')}</h2>
          <div className="form">
            {runsOf(view.fields).map((run) =>
              run.group ? (
                <FieldGroup
                  key={run.group}
                  id={`apply-${run.group}`}
                  legend={t(`catalog:${run.group}.legend`)}
                  hint={t(`catalog:${run.group}.hint`)}
                >
                  {run.fields.map((f) => (
                    <AnswerField key={f.name} field={f} meta={fields[f.name] as FieldMetadata} />
                  ))}
                </FieldGroup>
              ) : (
                <Fragment key={run.fields[0].name}>
                  {run.fields.map((f) => (
                    <AnswerField key={f.name} field={f} meta={fields[f.name] as FieldMetadata} />
                  ))}
                </Fragment>
              ),
            )}
          </div>
        </section>

        <section className="card" aria-labelledby="apply-materials-title">
          <h2 id="apply-materials-title">{t('applications:apply.materialsHeading')}</h2>
          <p className="hint">{t('applications:apply.materialsIntro', { max: Math.round(view.maxFileBytes / (1024 * 1024)) })}</p>
          <div className="form" data-materials>
            {applying.map(material)}
          </div>
          {notApplying.length > 0 && (
            // Set apart and marked as not needed for the answers the server last received; the
            // script folds these back into the list above and hides what does not apply.
            <details className="not-applying" data-not-applying>
              <summary>{t('applications:apply.notApplicableHeading', { count: notApplying.length })}</summary>
              <div className="form">{notApplying.map(material)}</div>
            </details>
          )}
        </section>

        {enhancement && (
          // Only where the script would have shown and hidden things: without it, how to get the checklist marked.
          <noscript>
            <p className="hint">{t('applications:apply.noScriptChecklist')}</p>
          </noscript>
        )}
        <p className="hint">{t('applications:apply.saveHint')}</p>
        <div className="actions">
          {/* First in the form, so pressing Enter in a field saves rather than submits. */}
          <SubmitButton name="intent" value="save" variant="secondary" pending={pending}>
            {t('applications:apply.saveDraft')}
          </SubmitButton>
          <SubmitButton name="intent" value="review" pending={pending}>
            {t('applications:apply.continue')}
          </SubmitButton>
        </div>
      </Form>
      {/* A module: deferred, run once the form above is parsed; same origin, so the CSP's script-src 'self' allows it. */}
      {enhancement && <script type="module" src={enhancement} />}
    </div>
  );
}
