import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { isDomainError } from '#services/errors';
import { handlePaymentCallback } from '#services/payments/orders';
import type { ErrorPayload } from '~/utils/errors.server';
import { downloadOrErrorPage } from '~/utils/download-errors.server';

/**
 * The unified public-payment platform's server-to-server notification (POST, JSON). No session
 * and no form: what authenticates it is the HMAC signature over the raw body
 * (services/integrations/payment-platform.ts). Answers what the platform expects: 200
 * {"result":"SUCCESS"} once handled (a duplicate too, so it stops repeating), and a 4xx with
 * {"result":"FAIL"} for a forged or contradictory one, which changes nothing.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const body = await request.text();
  const ctx = { db: context.db, clock: context.clock, config: context.config, actor: { kind: 'anonymous' } as const };
  try {
    await handlePaymentCallback(ctx, {
      body,
      timestamp: request.headers.get('x-platform-timestamp'),
      signature: request.headers.get('x-platform-signature'),
    });
  } catch (e) {
    if (isDomainError(e)) return json<ErrorPayload & { result: 'FAIL' }>({ result: 'FAIL', code: e.code, params: e.params }, { status: e.status, headers: { 'Cache-Control': 'no-store' } });
    throw e;
  }
  return json({ result: 'SUCCESS' }, { headers: { 'Cache-Control': 'no-store' } });
}

/** Only the platform's POST is answered; a browser that follows the URL gets a localized 405. */
export function loader({ request }: LoaderFunctionArgs) {
  return downloadOrErrorPage(request, async () => {
    throw json<ErrorPayload>({ code: 'methodNotAllowed', params: {} }, { status: 405, headers: { Allow: 'POST' } });
  });
}
