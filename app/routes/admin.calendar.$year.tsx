import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { useTranslation } from 'react-i18next';
import {
  addCalendarDays,
  calendarYear,
  missingNextYear,
  publishCalendarYear,
  removeCalendarDay,
  setCalendarSource,
  type PreviewRow,
} from '#services/calendar/calendar-years';
import { addDaySchema, HOLIDAY_NAMES, removeDaySchema, sourceSchema } from '#services/calendar/calendar-forms';
import { isDomainError } from '#services/errors';
import { CalendarWarning } from '~/components/admin/calendar-warning';
import { formatDay, formatInstant } from '~/components/application/format';
import { CheckboxField, ErrorSummary, SelectField, SubmitButton, TextField } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { yearParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'adminCatalog', 'validation', 'errors'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const year = yearParam(params);
  const [view, missing] = await orThrowResponse(() => Promise.all([calendarYear(ctx, year), missingNextYear(ctx)]));
  const t = await getFixedT(request, ['adminCatalog', 'common']);
  return json({ view, missing, locale: await getLocale(request), title: `${t('adminCatalog:calendar.yearTitle', { year })} - ${t('common:siteName')}` });
}

const INTENTS = {
  add: addDaySchema,
  remove: removeDaySchema,
  source: sourceSchema,
  publish: z.object({}),
} as const;
type Intent = keyof typeof INTENTS;
const isIntent = (v: unknown): v is Intent => typeof v === 'string' && Object.hasOwn(INTENTS, v);

/** One action, four forms told apart by `intent`; each change goes through the service's checks and audit. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['admin']);
  const year = yearParam(params);
  const formData = await readFormData(request);
  const intent = formData.get('intent');
  if (!isIntent(intent)) throw json({ code: 'badRequest', params: {} }, { status: 400 });
  const submission = parseWithZod(formData, { schema: INTENTS[intent] as z.ZodTypeAny });
  if (submission.status !== 'success') return json({ intent, ...(await invalidResponse(submission).json()) }, { status: 400 });
  try {
    const value = submission.value as never;
    if (intent === 'add') await addCalendarDays(ctx, year, value);
    else if (intent === 'remove') await removeCalendarDay(ctx, year, value);
    else if (intent === 'source') await setCalendarSource(ctx, year, value);
    else await publishCalendarYear(ctx, year);
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404 || e.status === 403) throw json({ code: e.code, params: e.params }, { status: e.status });
      const res = domainErrorResponse(submission, e);
      return json({ intent, ...(await res.json()) }, { status: res.status });
    }
    throw e;
  }
  return redirect(`/admin/calendar/${year}`, 303);
}

type ActionData = { intent?: Intent; lastResult?: SubmissionResult<string[]> } | undefined;

function Due({ value, locale }: { value: PreviewRow['now']; locale: string }) {
  const { t } = useTranslation('common');
  if (typeof value === 'string') return <time dateTime={value}>{formatDay(value, locale)}</time>;
  return <span className="muted">{t('common:calendar.dateNotKnown', { year: value.unknownYear })}</span>;
}

function AddForm({ lastResult }: { lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation(['adminCatalog', 'common']);
  const [form, fields] = useForm({ id: 'calendar-add', lastResult, shouldValidate: 'onSubmit' });
  return (
    <Form method="post" className="form" {...getFormProps(form)} noValidate>
      <ErrorSummary
        form={form}
        fields={[
          { meta: fields.day, label: t('adminCatalog:calendar.day') },
          { meta: fields.until, label: t('adminCatalog:calendar.until') },
          { meta: fields.kind, label: t('adminCatalog:calendar.kind') },
          { meta: fields.nameKey, label: t('adminCatalog:calendar.name') },
        ]}
      />
      <input type="hidden" name="intent" value="add" />
      <TextField meta={fields.day} label={t('adminCatalog:calendar.day')} hint={t('adminCatalog:calendar.dayHint')} required inputMode="numeric" maxLength={10} />
      <TextField meta={fields.until} label={t('adminCatalog:calendar.until')} hint={t('adminCatalog:calendar.untilHint')} inputMode="numeric" maxLength={10} />
      <SelectField
        meta={fields.kind}
        label={t('adminCatalog:calendar.kind')}
        required
        options={(['holiday', 'workday'] as const).map((k) => ({ value: k, label: t(`adminCatalog:calendar.kinds.${k}`) }))}
      />
      <SelectField meta={fields.nameKey} label={t('adminCatalog:calendar.name')} required options={HOLIDAY_NAMES.map((k) => ({ value: k, label: t(`common:holidays.${k}`) }))} />
      <SubmitButton>{t('adminCatalog:calendar.add')}</SubmitButton>
    </Form>
  );
}

function SourceForm({ source, verified, lastResult }: { source: string; verified: boolean; lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation(['adminCatalog']);
  const [form, fields] = useForm({ id: 'calendar-source', lastResult, shouldValidate: 'onSubmit', defaultValue: { source, verified: verified ? 'on' : undefined } });
  return (
    <Form method="post" className="form" {...getFormProps(form)} noValidate>
      <ErrorSummary form={form} fields={[{ meta: fields.source, label: t('adminCatalog:calendar.sourceLabel') }]} />
      <input type="hidden" name="intent" value="source" />
      <TextField meta={fields.source} label={t('adminCatalog:calendar.sourceLabel')} hint={t('adminCatalog:calendar.sourceHint')} maxLength={200} />
      <CheckboxField meta={fields.verified} label={t('adminCatalog:calendar.verifiedLabel')} />
      <SubmitButton variant="secondary">{t('adminCatalog:calendar.saveSource')}</SubmitButton>
    </Form>
  );
}

function PublishForm({ year, blockers, lastResult }: { year: number; blockers: string[]; lastResult?: SubmissionResult<string[]> }) {
  const { t } = useTranslation(['adminCatalog']);
  const [form] = useForm({ id: 'calendar-publish', lastResult, shouldValidate: 'onSubmit' });
  return (
    <Form method="post" className="form" {...getFormProps(form)} noValidate>
      <ErrorSummary form={form} fields={[]} />
      <p>{t('adminCatalog:calendar.publishLead')}</p>
      {blockers.length > 0 && (
        <ul>
          {blockers.map((b) => (
            <li key={b}>{t(`adminCatalog:calendar.blocked.${b}`)}</li>
          ))}
        </ul>
      )}
      <input type="hidden" name="intent" value="publish" />
      <SubmitButton disabled={blockers.length > 0}>{t('adminCatalog:calendar.publish', { year })}</SubmitButton>
    </Form>
  );
}

export default function CalendarYearPage() {
  const { view, missing, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData;
  const { t } = useTranslation(['adminCatalog', 'common']);
  const draft = !view.publishedAt;
  const result = (intent: Intent) => (actionData?.intent === intent ? actionData.lastResult : undefined);
  return (
    <div className="container">
      <div className="actions">
        <Link to="/admin/calendar">{t('adminCatalog:calendar.back')}</Link>
      </div>
      <h1>{t('adminCatalog:calendar.yearTitle', { year: view.year })}</h1>
      <CalendarWarning year={missing} />
      <dl className="facts">
        <dt>{t('adminCatalog:calendar.status')}</dt>
        <dd>{view.publishedAt ? t('adminCatalog:calendar.published', { date: formatInstant(view.publishedAt, locale) }) : t('adminCatalog:calendar.draft')}</dd>
        <dt>{t('adminCatalog:calendar.source')}</dt>
        <dd>{view.source || t('adminCatalog:calendar.noSource')}</dd>
        <dt>{t('adminCatalog:calendar.verified')}</dt>
        <dd>{view.verified ? t('adminCatalog:calendar.verifiedYes') : t('adminCatalog:calendar.verifiedNo')}</dd>
      </dl>
      {!draft && <p className="notice-ok">{t('adminCatalog:calendar.publishedNote')}</p>}

      <h2>{t('adminCatalog:calendar.days')}</h2>
      {view.days.length === 0 ? (
        <p>{t('adminCatalog:calendar.noDays')}</p>
      ) : (
        <TableScroll label={t('adminCatalog:calendar.days')}>
          <table>
            <caption className="visually-hidden">{t('adminCatalog:calendar.days')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('adminCatalog:calendar.day')}</th>
                <th scope="col">{t('adminCatalog:calendar.kind')}</th>
                <th scope="col">{t('adminCatalog:calendar.name')}</th>
                {draft && <td />}
              </tr>
            </thead>
            <tbody>
              {view.days.map((d) => (
                <tr key={d.day}>
                  <th scope="row">
                    <time dateTime={d.day}>{formatDay(d.day, locale)}</time>
                  </th>
                  <td>{t(`adminCatalog:calendar.kinds.${d.kind}`)}</td>
                  <td>{t(`common:holidays.${d.nameKey}`)}</td>
                  {draft && (
                    <td>
                      <Form method="post">
                        <input type="hidden" name="intent" value="remove" />
                        <input type="hidden" name="day" value={d.day} />
                        <SubmitButton variant="secondary">{t('adminCatalog:calendar.remove', { day: d.day })}</SubmitButton>
                      </Form>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      {draft && (
        <>
          <h2>{t('adminCatalog:calendar.addTitle')}</h2>
          <AddForm lastResult={result('add')} />
          <h2>{t('adminCatalog:calendar.sourceTitle')}</h2>
          <SourceForm source={view.source} verified={view.verified} lastResult={result('source')} />
        </>
      )}

      <h2>{t('adminCatalog:calendar.previewTitle')}</h2>
      <p>{t('adminCatalog:calendar.previewLead')}</p>
      <TableScroll label={t('adminCatalog:calendar.previewTitle')}>
        <table>
          <caption className="visually-hidden">{t('adminCatalog:calendar.previewTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('adminCatalog:calendar.previewFiled')}</th>
              <th scope="col">{t('adminCatalog:calendar.previewDays')}</th>
              <th scope="col">{t('adminCatalog:calendar.previewNow')}</th>
              <th scope="col">{t('adminCatalog:calendar.previewAfter')}</th>
            </tr>
          </thead>
          <tbody>
            {view.preview.map((p) => (
              <tr key={`${p.filed}-${p.days}`}>
                <th scope="row">
                  <time dateTime={p.filed}>{formatDay(p.filed, locale)}</time>
                </th>
                <td>{p.days}</td>
                <td>
                  <Due value={p.now} locale={locale} />
                </td>
                <td>
                  <Due value={p.after} locale={locale} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>

      {draft && (
        <>
          <h2>{t('adminCatalog:calendar.publishTitle')}</h2>
          <PublishForm year={view.year} blockers={view.publishBlockers} lastResult={result('publish')} />
        </>
      )}
    </div>
  );
}
