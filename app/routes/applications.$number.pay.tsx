import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { isDomainError } from '#services/errors';
import { getPaymentPage, startPayment } from '#services/payments/orders';
import { SubmitButton } from '~/components/forms';
import { PaymentFacts, useFen } from '~/components/payments/payment-facts';
import { getFixedT, getLocale } from '~/i18next.server';
import { orThrowResponse, type ErrorPayload } from '~/utils/errors.server';
import { readFormData } from '~/utils/form-data.server';
import { applicationNumberParam } from '~/utils/params.server';
import { requireUser } from '~/utils/session.server';
import { TableScroll } from '~/components/scroll-region';

export const handle = { i18n: ['common', 'catalog', 'applications', 'payments', 'errors'], scripts: false };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/**
 * The citizen pays an application's fees: the order's lines and total, a button to the payment
 * platform's cashier, and after it the paid state (and the platform's electronic invoice).
 * Coming back from the cashier (?returned=1) the platform is asked, so a slow callback does not
 * leave a paid order looking unpaid.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const number = applicationNumberParam(params, 'application.notFound');
  const returned = new URL(request.url).searchParams.get('returned') === '1';
  const page = await orThrowResponse(() => getPaymentPage(ctx, number, { returned }));
  const t = await getFixedT(request, ['payments', 'common']);
  return json({ page, locale: await getLocale(request), title: `${t('payments:title')} ${number} - ${t('common:siteName')}` });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const ctx = await requireUser(request, context, ['citizen']);
  const number = applicationNumberParam(params, 'application.notFound');
  const form = await readFormData(request);
  if (form.get('intent') !== 'pay') return json<ErrorPayload>({ code: 'badRequest', params: {} }, { status: 400 });
  const returnUrl = new URL(`/applications/${encodeURIComponent(number)}/pay?returned=1`, request.url).href;
  try {
    const { cashierUrl } = await startPayment(ctx, number, returnUrl, await getLocale(request));
    return redirect(cashierUrl, 303);
  } catch (e) {
    if (isDomainError(e)) {
      if (e.status === 404) throw json<ErrorPayload>({ code: e.code, params: e.params }, { status: 404 });
      return json<ErrorPayload>({ code: e.code, params: e.params }, { status: e.status });
    }
    throw e;
  }
}

export default function Pay() {
  const { page, locale } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation(['payments', 'catalog', 'errors']);
  const money = useFen();
  return (
    <div className="container narrow">
      <div className="actions no-print">
        <Link to={`/applications/${page.number}`}>{t('payments:back')}</Link>
      </div>
      <h1>{t('payments:title')}</h1>
      <p className="lead">{t('payments:lead', { number: page.number })}</p>
      {refused && 'code' in refused && (
        <div className="error-summary" role="alert">
          {t(`errors:${refused.code}`, refused.params)}
        </div>
      )}
      {page.checkFailed && (
        <p className="notice-warn" role="status">
          {t('payments:checkFailed')}
        </p>
      )}
      {page.lines.length === 0 ? (
        <p>{t('payments:free')}</p>
      ) : (
        <section className="card" aria-labelledby="pay-lines">
          <h2 id="pay-lines">{t('payments:lines')}</h2>
          <TableScroll label={t('payments:lines')}>
            <table>
              <tbody>
                {page.lines.map((l) => (
                  <tr key={l.key}>
                    <th scope="row">{t(`catalog:services.${page.serviceCode}.fees.${l.key}`)}</th>
                    <td>{money(l.amountFen)}</td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">{t('payments:total')}</th>
                  <td>
                    <strong>{money(page.totalFen)}</strong>
                  </td>
                </tr>
              </tbody>
            </table>
          </TableScroll>
          <dl className="facts">
            <PaymentFacts payment={page.order} locale={locale} />
          </dl>
          {page.payable ? (
            <Form method="post" className="form">
              <p className="hint">{t('payments:payHint')}</p>
              <div className="actions">
                <SubmitButton name="intent" value="pay" pending={navigation.state === 'submitting'}>
                  {t('payments:pay')}
                </SubmitButton>
              </div>
            </Form>
          ) : (
            !page.order && <p>{t('payments:notYet')}</p>
          )}
        </section>
      )}
    </div>
  );
}
