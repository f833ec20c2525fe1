import type { ServiceContext } from '../context.js';
import { notFound } from '../errors.js';
import { MOCK_BASE_URLS } from '../integrations/config.js';
import { isSimulatedPlatform, simulatedCashier, simulatedCashierPay, type SimulatedCashier } from '../integrations/payment-platform.js';

/**
 * The simulated platform's cashier and invoice pages, which our app serves only while the
 * payment platform configured is the simulated one (MOCKS): a real deployment has a real
 * platform URL, and these pages are 404 there. They stand in for the platform's own pages, so
 * they need no session: whoever holds the cashier link may pay, as at a real cashier.
 */
const ID = /^[A-Za-z0-9-]{1,120}$/;

function simulatedOnly(ctx: Pick<ServiceContext, 'config'>, id: string) {
  if (!isSimulatedPlatform(ctx.config.integrations, MOCK_BASE_URLS.paymentPlatform) || !ID.test(id)) throw notFound();
}

export async function simulatedCashierPage(ctx: Pick<ServiceContext, 'config'>, platformOrderId: string): Promise<SimulatedCashier> {
  simulatedOnly(ctx, platformOrderId);
  const view = await simulatedCashier(ctx.config.integrations, platformOrderId);
  if (!view) throw notFound();
  return view;
}

/** "Pay" at the simulated cashier; returns where the cashier sends the browser back to (our own pay page). */
export async function simulatedPay(ctx: Pick<ServiceContext, 'config'>, platformOrderId: string): Promise<string> {
  simulatedOnly(ctx, platformOrderId);
  const view = await simulatedCashierPay(ctx.config.integrations, platformOrderId);
  if (!view) throw notFound();
  return view.returnUrl;
}
