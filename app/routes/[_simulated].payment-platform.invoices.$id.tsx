import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { simulatedCashierPage } from '#services/payments/simulated';
import { notFoundResponse, orThrowResponse } from '~/utils/errors.server';
import { useFen } from '~/components/payments/payment-facts';
import { getFixedT } from '~/i18next.server';

export const handle = { i18n: ['common', 'payments', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** The simulated platform's electronic invoice (MOCKS only): what the real platform's invoice link would show. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const order = await orThrowResponse(() => simulatedCashierPage(context, params.id ?? ''));
  if (!order.invoiceNo) throw notFoundResponse();
  const t = await getFixedT(request, ['payments']);
  return json({ order, title: t('payments:simulated.invoiceTitle') });
}

export default function SimulatedInvoice() {
  const { order } = useLoaderData<typeof loader>();
  const { t } = useTranslation('payments');
  const money = useFen();
  return (
    <div className="container narrow">
      <h1>{t('payments:simulated.invoiceTitle')}</h1>
      <p className="notice-warn">{t('payments:simulated.notice')}</p>
      <dl className="facts card">
        <dt>{t('payments:simulated.invoiceNo')}</dt>
        <dd>{order.invoiceNo}</dd>
        <dt>{t('payments:orderNo')}</dt>
        <dd>{order.orderNo}</dd>
        <dt>{t('payments:simulated.subject')}</dt>
        <dd>{order.subject}</dd>
        <dt>{t('payments:simulated.amount')}</dt>
        <dd>{money(order.amountFen)}</dd>
      </dl>
    </div>
  );
}
