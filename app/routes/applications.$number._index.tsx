import { getFormProps, useForm } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { getMyApplication } from '#services/applications/read';
import { canTransition } from '#services/applications/status-machine';
import { withdrawApplication } from '#services/applications/withdraw';
import { isDomainError } from '#services/errors';
import { CheckboxField, ErrorSummary, SubmitButton } from '~/components/forms';
import { domainErrorResponse, invalidResponse } from '~/utils/form-errors.server';
import { AnswerList } from '~/components/application/answer-list';
import { formatDay, formatInstant } from '~/components/application/format';
import { DocumentList, useDeliveryText, useStateText } from '~/components/application/decision-summary';
import { KnownDay } from '~/components/application/known-day';
import { FilingLine } from '~/components/application/filing-line';
import { PaymentFacts } from '~/components/payments/payment-facts';
import { StatusBadge } from '~/components/application/status-badge';
import { Timeline } from '~/components/application/timeline';
import { ShipmentTracking } from '~/components/application/tracking';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { applicationNumberParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';
import { withOfficeNames } from '~/utils/office-names.server';
import { useOfficeName } from '~/utils/office-name';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'catalog', 'applications', 'ratings', 'validation', 'errors', 'desk', 'documents', 'appointments', 'payments', 'verify'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const application = await orThrowResponse(() => getMyApplication(ctx, applicationNumberParam(params, 'application.notFound')));
  const t = await getFixedT(request, ['applications', 'common']);
  const status = application.status === 'draft' ? 'submitted' : application.status;
  return json(await withOfficeNames(context.db, {
    application,
    locale: await getLocale(request),
    title: `${t(`applications:state.${status}.heading`)} ${application.number} - ${t('common:siteName')}`,
  }));
}

const withdrawSchema = z.object({
  intent: z.literal('withdraw', { errorMap: () => ({ message: 'badRequest' }) }),
  confirm: z.boolean({ invalid_type_error: 'application.withdrawConfirmRequired' }).optional(),
});

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const number = applicationNumberParam(params, 'application.notFound');
  const submission = parseWithZod(await readFormData(request), { schema: withdrawSchema });
  if (submission.status !== 'success') return invalidResponse(submission);
  try {
    await withdrawApplication(ctx, { number, confirmed: submission.value.confirm === true });
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      return domainErrorResponse(submission, e);
    }
    throw e;
  }
  return redirect(`/applications/${number}`, 303);
}

/** Before acceptance the citizen may withdraw; a ticked confirmation guards against slips. */
function WithdrawForm() {
  const { t } = useTranslation('applications');
  const lastResult = useActionData<typeof action>()?.lastResult;
  const navigation = useNavigation();
  const [form, fields] = useForm({ id: 'withdraw', lastResult, shouldValidate: 'onSubmit' });
  return (
    <section className="card no-print" aria-labelledby="withdraw-heading">
      <h2 id="withdraw-heading">{t('withdraw.heading')}</h2>
      <p>{t('withdraw.explain')}</p>
      <Form method="post" className="form" {...getFormProps(form)} noValidate>
        <ErrorSummary form={form} fields={[{ meta: fields.confirm, label: t('withdraw.confirm') }]} />
        <CheckboxField meta={fields.confirm} label={t('withdraw.confirm')} required />
        <div className="actions">
          <SubmitButton name="intent" value="withdraw" variant="secondary" pending={navigation.state === 'submitting'}>
            {t('withdraw.submit')}
          </SubmitButton>
        </div>
      </Form>
    </section>
  );
}

/** The one visit an item needs (decision 0033): what is booked, and the link to book or change it. */
function VisitCard({ application: a, locale, readOnly }: { application: ReturnType<typeof useLoaderData<typeof loader>>['application']; locale: string; readOnly: boolean }) {
  const { t } = useTranslation('appointments');
  if (a.handling?.visits !== 1 || (!a.visit && !OPEN.has(a.status))) return null;
  const v = a.visit;
  const when = v ? { day: formatDay(v.day, locale), time: v.time } : null;
  const mayBook = !readOnly && a.status === 'accepted';
  return (
    <section className="card" aria-labelledby="receipt-visit">
      <h2 id="receipt-visit">{t('receipt.heading')}</h2>
      {v && when ? <p>{t(`receipt.${v.status === 'kept' || v.status === 'missed' ? v.status : 'booked'}`, when)}</p> : <p>{t(a.status === 'accepted' ? 'receipt.none' : 'receipt.notYet')}</p>}
      {mayBook && v?.status !== 'kept' && (
        <p className="no-print">
          <Link to={`/applications/${a.number}/appointment`}>{t(v?.status === 'booked' ? 'receipt.manage' : 'receipt.book')}</Link>
        </p>
      )}
    </section>
  );
}

/** Before a decision that ends it, the receipt's handling steps and notes still apply. */
const OPEN: ReadonlySet<string> = new Set(['submitted', 'under_review', 'needs_supplement', 'supplemented', 'accepted']);

/** The page loads no JavaScript (decision 0044), so no print button: the browser's own command, and the PDF beside it. */
function PrintHint() {
  const { t } = useTranslation('applications');
  return <p className="hint no-print">{t('receipt.printHint')}</p>;
}

/**
 * The citizen's application: its state in words (heading, summary, what comes next, each
 * following the status and the latest decision), the documents issued, and the receipt: what
 * was received, where, when, and by when the office must act.
 */
export default function Receipt() {
  const { application: a, locale } = useLoaderData<typeof loader>();
  const state = useStateText({ application: a, locale });
  const delivery = useDeliveryText({ application: a });
  // Chosen the post or an electronic result: the visit (if any) is not to collect the result.
  const handlingKey = a.handling?.mode === 'online_then_visit' && delivery ? 'online_then_visit_delivered' : a.handling?.mode;
  const { t, i18n } = useTranslation(['applications', 'catalog', 'common', 'ratings', 'payments', 'verify']);
  const { officeName } = useOfficeName();
  const serviceKey = `catalog:services.${a.serviceCode}.name`;
  const service = i18n.exists(serviceKey) ? t(serviceKey) : t('applications:receipt.unknownService', { code: a.serviceCode });
  const office = officeName(a.officeCode);
  const limit =
    a.committed === null
      ? ''
      : a.committed.unit === 'calendar'
        ? t('common:format.calendarDays', { count: a.committed.days })
        : a.committed.days === 0
          ? t('common:format.onTheSpot')
          : t('common:format.workingDays', { count: a.committed.days });
  const money = (value: number) => t('common:format.yuan', { value });
  // Filed for the reader by a guardian or agent: they follow it; acting on it stays with the filer.
  const readOnly = a.filing?.forYou === true;

  return (
    <div className="container narrow receipt">
      <div className="actions no-print">
        <Link to="/applications">{t('applications:receipt.back')}</Link>
      </div>
      <h1>{state.heading}</h1>
      <p className="lead">{state.summary}</p>
      {a.filing && <FilingLine filing={a.filing} />}

      {a.status === 'needs_supplement' && !readOnly && (
        <section className="card notice-call no-print" aria-labelledby="supplement-call">
          {/* The page's heading and lead already say what to supplement and why: this card only gives the two ways on. */}
          <h2 id="supplement-call">{t('applications:supplementCall.heading')}</h2>
          <div className="actions">
            <Link className="button secondary" to={`/applications/${a.number}/notice`}>
              {t('applications:supplementCall.readNotice')}
            </Link>
            <Link className="button" to={`/applications/${a.number}/supplement`}>
              {t('applications:supplementCall.supplement')}
            </Link>
          </div>
        </section>
      )}

      <section className="card" aria-labelledby="receipt-facts">
        {/* Once the matter is decided the receipt is a record, not the page's news. */}
        <h2 id="receipt-facts">{OPEN.has(a.status) ? t('applications:receipt.title') : t('applications:details')}</h2>
        {OPEN.has(a.status) && (
          <p className="hint">
            {t('applications:receipt.lead')} <Link to="/track">{t('applications:receipt.trackLink')}</Link>
          </p>
        )}
        <dl className="facts">
          <dt>{t('applications:receipt.number')}</dt>
          <dd>
            <strong className="application-number">{a.number}</strong>
          </dd>
          <dt>{t('applications:receipt.service')}</dt>
          <dd>{service}</dd>
          <dt>{t('applications:receipt.office')}</dt>
          <dd>{office}</dd>
          {a.officePhone && (
            <>
              <dt>{t('applications:receipt.officePhone')}</dt>
              <dd>
                <a href={`tel:${a.officePhone}`}>{a.officePhone}</a>
              </dd>
            </>
          )}
          <dt>{t('applications:receipt.receivedAt')}</dt>
          <dd>
            <time dateTime={a.submittedAt ?? undefined}>{formatInstant(a.submittedAt, locale)}</time>
          </dd>
          <dt>{t('applications:receipt.status')}</dt>
          <dd>
            <StatusBadge status={a.status} />
          </dd>
          {/* The art. 32 promise holds only until the office accepts or gives its one notice. */}
          {a.completenessRunning && (
            <>
              <dt>{t('applications:receipt.completenessDeadline')}</dt>
              <dd>
                <KnownDay day={a.completenessDeadline} pendingYear={a.calendarPendingYear} locale={locale} />
                <p className="hint">{t('applications:receipt.completenessExplain')}</p>
              </dd>
            </>
          )}
          <dt>{t('applications:receipt.dueDate')}</dt>
          <dd>
            <KnownDay day={a.dueDate} pendingYear={a.calendarPendingYear} locale={locale} />
            <p className="hint">{t('applications:receipt.dueExplain', { limit })}</p>
          </dd>
        </dl>
      </section>

      <section className="card" aria-labelledby="receipt-fees">
        <h2 id="receipt-fees">{t('applications:receipt.fees')}</h2>
        {a.fees.length === 0 ? (
          <p>{t('applications:receipt.free')}</p>
        ) : (
          <TableScroll label={t('applications:receipt.fees')}>
            <table>
              <tbody>
                {a.fees.map((line) => (
                  <tr key={line.key}>
                    <th scope="row">{t(`catalog:services.${a.serviceCode}.fees.${line.key}`)}</th>
                    <td>{money(line.amount)}</td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">{t('applications:receipt.feeTotal')}</th>
                  <td>
                    <strong>{money(a.feeTotal)}</strong>
                  </td>
                </tr>
              </tbody>
            </table>
            <p className="hint">{t('applications:receipt.feeWhen')}</p>
            <dl className="facts">
              <PaymentFacts payment={a.payment} locale={locale} />
            </dl>
            {a.payable && (
              <p className="no-print">
                <Link className="button" to={`/applications/${a.number}/pay`}>
                  {t('payments:payLink')}
                </Link>
              </p>
            )}
          </TableScroll>
        )}
      </section>

      <section className="card" aria-labelledby="receipt-next">
        <h2 id="receipt-next">{t('applications:receipt.nextStepsHeading')}</h2>
        {state.practical && <p>{state.practical}</p>}
        <p>{state.next}</p>
        {a.handling && OPEN.has(a.status) && <p>{t(`applications:receipt.nextSteps.${handlingKey}`)}</p>}
        {delivery && OPEN.has(a.status) && <p>{delivery}</p>}
        {OPEN.has(a.status) && a.notes.length > 0 && (
          <>
            <h3>{t('applications:receipt.notesHeading')}</h3>
            <ul>
              {a.notes.map((n) => (
                <li key={n.key}>{t(`catalog:services.${a.serviceCode}.notes.${n.key}`, n.params)}</li>
              ))}
            </ul>
          </>
        )}
      </section>

      {a.shipment && <ShipmentTracking shipment={a.shipment} locale={locale} />}
      <VisitCard application={a} locale={locale} readOnly={readOnly} />

      <DocumentList application={a} locale={locale} />

      {a.answers.length > 0 && (
        <section className="card" aria-labelledby="receipt-answers">
          <h2 id="receipt-answers">{t('applications:receipt.answersHeading')}</h2>
          <AnswerList lines={a.answers} />
        </section>
      )}

      {a.files.length > 0 && (
        <section className="card" aria-labelledby="receipt-files">
          <h2 id="receipt-files">{t('applications:receipt.filesHeading')}</h2>
          <ul>
            {a.files.map((f) => (
              <li key={f.id}>
                {t(`catalog:materials.${f.materialCode}.name`)}:{' '}
                <a href={`/files/${f.id}`} aria-label={t('applications:file.download', { name: f.originalName })}>
                  {f.originalName}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="card" aria-labelledby="receipt-timeline">
        <h2 id="receipt-timeline">{t('applications:receipt.timelineHeading')}</h2>
        <p className="hint">{t('applications:receipt.timelineIntro')}</p>
        <Timeline items={a.timeline} locale={locale} />
      </section>

      {a.status === 'completed' && !readOnly && (
        <p className="no-print">
          <Link className="button secondary" to={`/applications/${a.number}/rate`}>
            {t('ratings:rateLink')}
          </Link>
        </p>
      )}

      {canTransition(a.status, 'withdrawn', 'citizen') && !readOnly && <WithdrawForm />}

      <div className="actions">
        {a.submittedAt && (
          <a className="button" href={`/applications/${a.number}/receipt/pdf`} download>
            {t('verify:receipt.download')}
          </a>
        )}
      </div>
      <PrintHint />
    </div>
  );
}
