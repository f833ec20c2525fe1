import type { Submission } from '@conform-to/react';
import { parseWithZod } from '@conform-to/zod';
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useActionData, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { claimApplication } from '#services/queue/claim';
import { releaseApplication, transferApplication } from '#services/queue/handover';
import { acceptApplication, completeApplication, notAcceptApplication, refuseApplication } from '#services/review/decisions';
import { grantNoticeOverride, issueNotice } from '#services/review/notice';
import { requestOverride } from '#services/review/override-requests';
import { getReview } from '#services/review/review-page';
import {
  completeSchema,
  leaseOnlySchema,
  notAcceptSchema,
  overrideRequestSchema,
  overrideSchema,
  refuseSchema,
  transferSchema,
  judgeSchema,
} from '#services/review/schemas';
import { recordVerdicts } from '#services/review/verdicts';
import { enterWaybillByHand, retryShipment } from '#services/shipments/desk';
import { manualWaybillSchema, shipmentRetrySchema } from '#services/shipments/schemas';
import { isDomainError } from '#services/errors';
import { FilingLine } from '~/components/application/filing-line';
import { formatDay } from '~/components/application/format';
import { formatList } from '~/components/intl';
import type { DeskActionData } from '~/components/desk/action-data';
import {
  AcceptForm,
  ClaimForm,
  CompleteForm,
  NoticeForm,
  NotAcceptForm,
  OverrideForm,
  RefuseForm,
  ReleaseForm,
  RequestOverrideForm,
  ShipmentForms,
  TransferForm,
} from '~/components/desk/decision-forms';
import { ShipmentTracking } from '~/components/application/tracking';
import { Answers, ApplicantFacts, ApplicationFacts, VehicleOwnerFacts } from '~/components/desk/review-facts';
import { JudgeForm } from '~/components/desk/verdict-form';
import { PaymentFacts } from '~/components/payments/payment-facts';
import { DeliveryTable } from '~/components/integrations/delivery-table';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { replyWithDomainError } from '~/utils/form-errors.server';
import { requireUser } from '~/utils/session.server';
import { readFormData } from '~/utils/form-data.server';
import { applicationNumberParam } from '~/utils/params.server';
import { withOfficeNames } from '~/utils/office-names.server';

export const handle = { i18n: ['common', 'desk', 'catalog', 'applications', 'notice', 'errors', 'validation', 'integrations', 'documents', 'appointments', 'payments', 'verify'] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['clerk', 'manager']);
  const page = await orThrowResponse(() => getReview(ctx, applicationNumberParam(params, 'review.applicationNotFound')));
  const t = await getFixedT(request, ['desk', 'common']);
  return json(await withOfficeNames(context.db, {
    page,
    locale: await getLocale(request),
    done: doneOf(new URL(request.url)),
    title: `${t('desk:review.title', { number: page.application.number })} - ${t('common:siteName')}`,
  }));
}

/** ?done=<intent> after a decision: only a known intent is shown, anything else is ignored. */
function doneOf(url: URL): string | null {
  const done = url.searchParams.get('done') ?? '';
  return Object.hasOwn(HANDLERS, done) ? done : null;
}

type Handler = { schema: z.ZodTypeAny; run: (ctx: Awaited<ReturnType<typeof requireUser>>, number: string, value: never) => Promise<unknown>; next?: 'desk' };

/**
 * Each desk form: its schema and its one service call. Only the loader and action read this table;
 * the annotation lets the browser build drop it, and with it every service it calls.
 */
const HANDLERS: Record<string, Handler> = {
  claim: { schema: /* @__PURE__ */ leaseOnlySchema.partial(), run: (ctx, number) => claimApplication(ctx, number) },
  release: { schema: leaseOnlySchema, run: (ctx, number, v: { leaseVersion: number }) => releaseApplication(ctx, number, v.leaseVersion), next: 'desk' },
  judge: { schema: judgeSchema, run: (ctx, number, v: z.infer<typeof judgeSchema>) => recordVerdicts(ctx, number, v) },
  notice: { schema: leaseOnlySchema, run: (ctx, number, v: { leaseVersion: number }) => issueNotice(ctx, number, v.leaseVersion) },
  accept: { schema: leaseOnlySchema, run: (ctx, number, v: { leaseVersion: number }) => acceptApplication(ctx, number, v) },
  notAccept: { schema: notAcceptSchema, run: (ctx, number, v: z.infer<typeof notAcceptSchema>) => notAcceptApplication(ctx, number, v) },
  complete: { schema: completeSchema, run: (ctx, number, v: z.infer<typeof completeSchema>) => completeApplication(ctx, number, v) },
  refuse: { schema: refuseSchema, run: (ctx, number, v: z.infer<typeof refuseSchema>) => refuseApplication(ctx, number, v) },
  transfer: {
    schema: transferSchema,
    run: (ctx, number, v: z.infer<typeof transferSchema>) =>
      transferApplication(ctx, number, v.leaseVersion, { toClerkId: v.toClerkId, toOfficeCode: v.toOfficeCode }, v.reason),
    next: 'desk',
  },
  override: { schema: overrideSchema, run: (ctx, number, v: z.infer<typeof overrideSchema>) => grantNoticeOverride(ctx, number, v) },
  requestOverride: { schema: overrideRequestSchema, run: (ctx, number, v: z.infer<typeof overrideRequestSchema>) => requestOverride(ctx, number, v) },
  shipmentRetry: { schema: shipmentRetrySchema, run: (ctx, number) => retryShipment(ctx, number) },
  shipmentManual: { schema: manualWaybillSchema, run: (ctx, number, v: z.infer<typeof manualWaybillSchema>) => enterWaybillByHand(ctx, number, v) },
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['clerk', 'manager']);
  const number = applicationNumberParam(params, 'review.applicationNotFound');
  const formData = await readFormData(request);
  const intent = String(formData.get('intent') ?? '');
  // An own property only: 'constructor', '__proto__' or 'toString' would find Object.prototype's.
  const handler = Object.hasOwn(HANDLERS, intent) ? HANDLERS[intent] : undefined;
  if (!handler) throw json({ code: 'badRequest', params: {} }, { status: 400 });
  const submission = parseWithZod(formData, { schema: handler.schema });
  const answer = (lastResult: DeskActionData['lastResult'], status: number) => json<DeskActionData>({ intent, lastResult }, { status });
  if (submission.status !== 'success') return answer(submission.reply(), 400);
  try {
    await handler.run(ctx, number, submission.value as never);
  } catch (e) {
    if (isDomainError(e)) {
      // Out of scope stays a 404 page, as for the loader; everything else is shown at its form.
      if (e.status === 404) throw json({ code: e.code, params: e.params }, { status: 404 });
      return answer(replyWithDomainError(submission as Submission<unknown>, e), e.status);
    }
    throw e;
  }
  if (handler.next === 'desk') return redirect(`/desk?done=${intent}`);
  const anchor = intent === 'judge' ? '#checklist-heading' : '';
  return redirect(`/desk/applications/${number}?done=${intent}${anchor}`);
}

export default function ReviewPage() {
  const { page, locale, done } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation(['desk', 'catalog', 'common', 'notice', 'integrations', 'appointments', 'payments', 'verify']);
  const a = page.application;
  const leaseVersion = page.can.act && (a.status === 'under_review' || a.status === 'supplemented') ? page.queue!.leaseVersion : null;
  const props = { page, actionData };
  return (
    <div className="container">
      <p>
        <Link to="/desk">{t('desk:review.back')}</Link>
      </p>
      <h1>{t('desk:review.title', { number: a.number })}</h1>
      {page.filing && <FilingLine filing={page.filing} staff />}
      {/* One banner for what just happened: a fresh failure replaces the success the URL still names. */}
      {done && !actionData && (
        <p className="notice-ok" role="status">
          {t(`desk:done.${done}`, { defaultValue: t('desk:done.saved') })}
        </p>
      )}
      <div className="review-layout">
        <div>
          <ApplicationFacts page={page} locale={locale} />
          <section aria-labelledby="payment-heading">
            <h2 id="payment-heading">{t('payments:state')}</h2>
            <dl className="facts">
              <PaymentFacts payment={page.payment} locale={locale} staff />
            </dl>
          </section>
          <ApplicantFacts page={page} />
          <VehicleOwnerFacts page={page} />
          <Answers page={page} />
          <section aria-labelledby="checklist-heading">
            <h2 id="checklist-heading">{t('desk:review.checklist')}</h2>
            <p className="hint">{t('desk:review.checklistIntro')}</p>
            <JudgeForm items={page.checklist} leaseVersion={leaseVersion} actionData={actionData} locale={locale} />
            {page.sharedMaterials.map((m) => (
              <section key={m.code} className="card checklist-item shared" id={`item-${m.code}`} aria-labelledby={`item-${m.code}-name`}>
                <h3 id={`item-${m.code}-name`}>
                  {t(`catalog:materials.${m.code}.name`)} <span className="badge ok">{t('integrations:sharing.verified')}</span>
                </h3>
                <p className="hint">{t('integrations:sharing.verifiedHint')}</p>
              </section>
            ))}
          </section>
          <p>
            <Link to={`/applications/${a.number}/receipt`}>{t('verify:receipt.open')}</Link>
          </p>
          {page.notices.length > 0 && (
            <section aria-labelledby="notices-heading" className="card">
              <h2 id="notices-heading">{t('desk:review.notices')}</h2>
              <ul>
                {page.notices.map((n) => (
                  <li key={n.number}>
                    <Link to={`/applications/${a.number}/notice?sequence=${n.sequence}`}>{n.number}</Link>{' '}
                    {t('desk:review.noticeLine', {
                      number: n.number,
                      date: formatDay(n.issueDate, locale),
                      deadline: formatDay(n.supplementDeadline, locale),
                      items: formatList(n.items.map((i) => t(`catalog:materials.${i.materialCode}.name`)), locale),
                    })}
                    {n.overrideReason && <div className="muted">{t('desk:review.noticeOverride', { reason: n.overrideReason })}</div>}
                  </li>
                ))}
              </ul>
              <p>
                <Link to={`/applications/${a.number}/notice`}>{t('desk:review.openNotice')}</Link>
              </p>
            </section>
          )}
          {page.deliveries.some((d) => d.status === 'dead') && (
            <p className="notice-warn" role="status">
              {t('integrations:delivery.deadWarning', { count: page.deliveries.filter((d) => d.status === 'dead').length })}
            </p>
          )}
          <DeliveryTable deliveries={page.deliveries} locale={locale} />
          {page.shipment && <ShipmentTracking shipment={page.shipment} locale={locale} />}
          {page.visit && (
            <section aria-labelledby="visit-heading" className="card">
              <h2 id="visit-heading">{t('appointments:review.heading')}</h2>
              <p>
                {t('appointments:review.line', { day: formatDay(page.visit.day, locale), time: page.visit.time, status: t(`appointments:status.${page.visit.status}`) })}{' '}
                <Link to={`/desk/appointments?day=${page.visit.day}`}>{t('appointments:desk.title')}</Link>
              </p>
            </section>
          )}
        </div>
        <aside aria-labelledby="actions-heading" className="review-actions">
          <h2 id="actions-heading">{t('desk:review.actions')}</h2>
          {page.can.claim && <ClaimForm {...props} />}
          {!page.can.act && !page.can.claim && !page.can.override && <p className="muted">{t('desk:review.readOnly')}</p>}
          {page.can.act && (a.status === 'under_review' || a.status === 'supplemented') && (
            <>
              <NoticeForm {...props} />
              <AcceptForm {...props} />
              <NotAcceptForm {...props} />
            </>
          )}
          {page.can.act && a.status === 'accepted' && (
            <>
              <CompleteForm {...props} />
              <RefuseForm {...props} />
            </>
          )}
          {page.can.act && (
            <>
              <ReleaseForm {...props} />
              <TransferForm {...props} />
            </>
          )}
          {(page.can.requestOverride || (page.can.act && page.overrideRequest)) && <RequestOverrideForm {...props} />}
          {page.can.override && <OverrideForm {...props} />}
          {page.can.manageShipment && <ShipmentForms {...props} />}
        </aside>
      </div>
    </div>
  );
}
