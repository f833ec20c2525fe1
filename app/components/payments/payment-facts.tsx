import { useTranslation } from 'react-i18next';
import { formatInstant } from '~/components/application/format';

/** An application's payment as the receipt, the desk and the pay page show it (services/payments PaymentSummary). */
export type PaymentView = {
  orderNo: string;
  status: string;
  amountFen: number;
  paidAt: string | null;
  invoiceUrl: string | null;
  refundedAt: string | null;
  mismatch: string | null;
};

/** Only the platform's https pages, or the simulated cashier's own (MOCKS), are linked. */
export function invoiceHref(url: string | null): string | null {
  return url && (url.startsWith('https://') || url.startsWith('/_simulated/payment-platform/')) ? url : null;
}

/** Money in fen, shown in yuan. */
export function useFen() {
  const { t } = useTranslation('common');
  return (fen: number) => t('common:format.yuan', { value: fen / 100 });
}

/** The payment's rows for a <dl className="facts">: state, order number, when paid or refunded, the invoice. */
export function PaymentFacts({ payment, locale, staff = false }: { payment: PaymentView | null; locale: string; staff?: boolean }) {
  const { t } = useTranslation('payments');
  const money = useFen();
  if (!payment) {
    return (
      <>
        <dt>{t('payments:state')}</dt>
        <dd>{t('payments:status.none')}</dd>
      </>
    );
  }
  const href = invoiceHref(payment.invoiceUrl);
  return (
    <>
      <dt>{t('payments:state')}</dt>
      <dd>
        <strong>{t(`payments:status.${payment.status}`)}</strong> ({money(payment.amountFen)})
        {(payment.status === 'refund_requested' || payment.status === 'refunded') && <p className="hint">{t('payments:refundExplain')}</p>}
      </dd>
      <dt>{t('payments:orderNo')}</dt>
      <dd>{payment.orderNo}</dd>
      {payment.paidAt && (
        <>
          <dt>{t('payments:paidAt')}</dt>
          <dd>
            <time dateTime={payment.paidAt}>{formatInstant(payment.paidAt, locale)}</time>
          </dd>
        </>
      )}
      {payment.refundedAt && (
        <>
          <dt>{t('payments:refundedAt')}</dt>
          <dd>
            <time dateTime={payment.refundedAt}>{formatInstant(payment.refundedAt, locale)}</time>
          </dd>
        </>
      )}
      {href && (
        <>
          <dt>{t('payments:invoice')}</dt>
          <dd>
            <a href={href}>{t('payments:invoiceLink')}</a>
          </dd>
        </>
      )}
      {staff && payment.mismatch && (
        <>
          <dt>{t('payments:report.kind')}</dt>
          <dd>{t('payments:mismatch', { kind: payment.mismatch })}</dd>
        </>
      )}
    </>
  );
}
