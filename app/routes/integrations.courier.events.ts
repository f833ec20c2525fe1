import { json, type ActionFunctionArgs } from '@remix-run/node';
import { receiveCourierWebhook } from '#services/shipments/webhook';

/**
 * The courier's tracking events (server to server): no session, no form; the signature is the
 * permission (services/shipments/webhook.ts). Only POST: anything else is 405.
 */
export async function loader() {
  return json({ ok: false, code: 'methodNotAllowed' }, { status: 405, headers: { Allow: 'POST', 'Cache-Control': 'no-store' } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return json({ ok: false, code: 'methodNotAllowed' }, { status: 405, headers: { Allow: 'POST' } });
  const raw = await request.text();
  const answer = await receiveCourierWebhook(
    { db: context.db, clock: context.clock, config: context.config },
    { timestamp: request.headers.get('x-courier-timestamp'), signature: request.headers.get('x-courier-signature') },
    raw,
  );
  return json(answer.body, { status: answer.status, headers: { 'Cache-Control': 'no-store' } });
}
