import type { Submission } from '@conform-to/react';
import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { isDomainError } from '#services/errors';
import { loadBoard, reassignItems } from '#services/queue/board';
import { reassignSchema } from '#services/queue/board-schema';
import { formatDay } from '~/components/application/format';
import { ErrorSummary, SelectField, SubmitButton, TextareaField } from '~/components/forms';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { replyWithDomainError } from '~/utils/form-errors.server';
import { readFormData } from '~/utils/form-data.server';
import { requireUser } from '~/utils/session.server';
import { withOfficeNames } from '~/utils/office-names.server';
import { useOfficeName } from '~/utils/office-name';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'desk', 'catalog', 'errors', 'validation'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

const DONE = ['reassign', 'release'] as const;

/** The office manager's live board: what is open, who holds what and for how long, what is at risk. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['manager']);
  const board = await orThrowResponse(() => loadBoard(ctx));
  const done = new URL(request.url).searchParams.get('done');
  const t = await getFixedT(request, ['desk', 'common']);
  return json(await withOfficeNames(context.db, {
    board,
    done: DONE.find((d) => d === done) ?? null,
    locale: await getLocale(request),
    title: `${t('desk:board.title')} - ${t('common:siteName')}`,
  }));
}

/** Release or reassign the checked items, with a reason; all or nothing. */
export async function action({ request, context }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['manager']);
  const formData = await readFormData(request);
  const submission = parseWithZod(formData, { schema: reassignSchema });
  if (submission.status !== 'success') return json({ lastResult: submission.reply() }, { status: 400 });
  const toClerkId = String(formData.get('toClerkId') ?? '') || undefined;
  try {
    await reassignItems(ctx, { items: formData.getAll('items').map(String), toClerkId, reason: String(formData.get('reason') ?? '') });
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      return json({ lastResult: replyWithDomainError(submission as Submission<unknown>, e) }, { status: e.status });
    }
    throw e;
  }
  return redirect(`/desk/board?done=${toClerkId ? 'reassign' : 'release'}`);
}

function duration(minutes: number | null, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (minutes === null) return t('desk:board.unknownSince');
  return minutes < 60 ? t('desk:board.minutes', { count: minutes }) : t('desk:board.hours', { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

export default function BoardPage() {
  const { board, done, locale } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(['desk', 'catalog', 'common']);
  const { officeName } = useOfficeName();
  const [form, fields] = useForm({
    id: 'reassign',
    lastResult: actionData?.lastResult,
    shouldValidate: 'onSubmit',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: reassignSchema }),
  });
  const holder = (id: string) => board.clerks.find((c) => c.id === id);
  const chosen = new Set(
    (Array.isArray(fields.items.initialValue) ? fields.items.initialValue : fields.items.initialValue ? [fields.items.initialValue] : []).map(String),
  );
  return (
    <div className="container">
      <h1>{t('desk:board.title')}</h1>
      {done && !actionData && (
        <p className="notice-ok" role="status">
          {t(`desk:done.${done}`)}
        </p>
      )}
      <p className="lead">{t('desk:board.intro', { office: officeName(board.officeCode), today: formatDay(board.today, locale) })}</p>

      <section className="card" aria-labelledby="open-heading">
        <h2 id="open-heading">{t('desk:board.open')}</h2>
        <dl className="facts">
          <dt>{t('desk:board.toWork')}</dt>
          <dd>{board.open.toWork}</dd>
          <dt>{t('desk:board.waitingForCitizen')}</dt>
          <dd>{board.open.waitingForCitizen}</dd>
          <dt>{t('desk:board.overdue')}</dt>
          <dd>
            <Link to="/desk?overdue=1">{board.open.overdue}</Link>
          </dd>
        </dl>
      </section>

      <section className="card" aria-labelledby="risk-heading">
        <h2 id="risk-heading">{t('desk:board.atRisk')}</h2>
        <TableScroll label={t('desk:board.atRisk')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('desk:board.day')}</th>
                <th scope="col">{t('desk:board.due')}</th>
                <th scope="col">{t('desk:board.completeness')}</th>
              </tr>
            </thead>
            <tbody>
              {board.atRisk.map((r) => (
                <tr key={r.day}>
                  <th scope="row">{r.day === board.today ? t('desk:board.today', { day: formatDay(r.day, locale) }) : formatDay(r.day, locale)}</th>
                  <td>{r.due}</td>
                  <td>{r.completeness}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>

      <section className="card" aria-labelledby="clerks-heading">
        <h2 id="clerks-heading">{t('desk:board.clerks')}</h2>
        <TableScroll label={t('desk:board.clerks')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('desk:board.clerk')}</th>
                <th scope="col">{t('desk:board.held')}</th>
                <th scope="col">{t('desk:board.longest')}</th>
              </tr>
            </thead>
            <tbody>
              {board.clerks.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    {c.name} ({c.staffNo})
                  </th>
                  <td>{c.held}</td>
                  <td>{c.held > 0 ? duration(c.heldMinutes, t) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>

      <section className="card" aria-labelledby="held-heading">
        <h2 id="held-heading">{t('desk:board.heldItems')}</h2>
        {board.heldMore && <p className="muted">{t('desk:board.heldMore', { count: board.held.length })}</p>}
        {board.held.length === 0 ? (
          <p>{t('desk:board.noneHeld')}</p>
        ) : (
          <Form method="post" className="form" {...getFormProps(form)} noValidate>
            <ErrorSummary
              form={form}
              fields={[
                { meta: fields.items, label: t('desk:board.pick') },
                { meta: fields.toClerkId, label: t('desk:board.to') },
                { meta: fields.reason, label: t('desk:board.reason') },
              ]}
            />
            <fieldset className="field" id={fields.items.id} tabIndex={-1}>
              <legend>{t('desk:board.pick')}</legend>
              <TableScroll label={t('desk:board.heldItems')}>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('desk:board.application')}</th>
                      <th scope="col">{t('desk:board.holder')}</th>
                      <th scope="col">{t('desk:board.heldFor')}</th>
                      <th scope="col">{t('desk:board.dueDate')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {board.held.map((h) => {
                      const value = `${h.number}:${h.leaseVersion}`;
                      const who = holder(h.holderId);
                      return (
                        <tr key={h.number}>
                          <th scope="row">
                            <input type="checkbox" name="items" id={`pick-${h.number}`} value={value} defaultChecked={chosen.has(value)} />{' '}
                            <label htmlFor={`pick-${h.number}`}>
                              {h.number} · {t(`catalog:services.${h.serviceCode}.name`)}
                            </label>
                          </th>
                          <td>{who ? `${who.name} (${who.staffNo})` : '—'}</td>
                          <td>{duration(h.heldMinutes, t)}</td>
                          <td>{h.dueDate ? formatDay(h.dueDate, locale) : t('common:calendar.dateNotKnownShort')}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </TableScroll>
            </fieldset>
            <SelectField
              meta={fields.toClerkId}
              label={t('desk:board.to')}
              hint={t('desk:board.toHint')}
              placeholder={t('desk:board.backToQueue')}
              options={board.clerks.map((c) => ({ value: c.id, label: `${c.name} (${c.staffNo})` }))}
            />
            <TextareaField meta={fields.reason} label={t('desk:board.reason')} hint={t('desk:board.reasonHint')} required rows={2} />
            <div className="actions">
              <SubmitButton>{t('desk:board.submit')}</SubmitButton>
            </div>
          </Form>
        )}
      </section>
    </div>
  );
}
