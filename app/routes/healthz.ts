import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { checkHealth } from '#services/health';

export async function loader({ context }: LoaderFunctionArgs) {
  const { ok } = await checkHealth(context.db);
  return json({ status: ok ? 'ok' : 'unavailable' }, { status: ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
}
