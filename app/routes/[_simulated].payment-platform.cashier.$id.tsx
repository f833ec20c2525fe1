import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { simulatedCashierPage, simulatedPay } from '#services/payments/simulated';
import { SubmitButton } from '~/components/forms';
import { useFen } from '~/components/payments/payment-facts';
import { getFixedT } from '~/i18next.server';
import { orThrowResponse } from '~/utils/errors.server';
import { safeRedirect } from '~/utils/session.server';

export const handle = { i18n: ['common', 'payments', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/**
 * The simulated payment platform's cashier (MOCKS only, services/payments/simulated.ts): shows
 * the order and a "pay" button that makes the simulated platform record the payment, then
 * sends the browser back to the portal's pay page, which asks the platform for the result.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const order = await orThrowResponse(() => simulatedCashierPage(context, params.id ?? ''));
  const t = await getFixedT(request, ['payments']);
  return json({ order, title: t('payments:simulated.title') });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const returnUrl = await orThrowResponse(() => simulatedPay(context, params.id ?? ''));
  // Back to our own page only: the return URL's path, never another host.
  const url = new URL(returnUrl, request.url);
  return redirect(safeRedirect(url.pathname + url.search), 303);
}

export default function SimulatedCashier() {
  const { order } = useLoaderData<typeof loader>();
  const { t } = useTranslation('payments');
  const money = useFen();
  return (
    <div className="container narrow">
      <h1>{t('payments:simulated.title')}</h1>
      <p className="notice-warn" role="status">
        {t('payments:simulated.notice')}
      </p>
      <section className="card" aria-labelledby="cashier-order">
        <h2 id="cashier-order">{t('payments:simulated.subject')}</h2>
        <dl className="facts">
          <dt>{t('payments:orderNo')}</dt>
          <dd>{order.orderNo}</dd>
          <dt>{t('payments:simulated.subject')}</dt>
          <dd>{order.subject}</dd>
          <dt>{t('payments:simulated.amount')}</dt>
          <dd>
            <strong>{money(order.amountFen)}</strong>
          </dd>
        </dl>
        <Form method="post" className="form">
          {order.status === 'paid' && <p>{t('payments:simulated.paid')}</p>}
          <div className="actions">
            <SubmitButton>{order.status === 'paid' ? t('payments:simulated.return') : t('payments:simulated.pay')}</SubmitButton>
          </div>
        </Form>
      </section>
    </div>
  );
}
