import fs from 'node:fs';
import path from 'node:path';
import { http, HttpResponse } from 'msw';
import { MOCK_BASE_URLS } from '../../services/integrations/config.js';
import type { Route } from './scenarios.js';

export const gatewayRoutes = {
  sms: { method: 'post', url: `${MOCK_BASE_URLS.smsGateway}/v1/messages` },
  email: { method: 'post', url: `${MOCK_BASE_URLS.email}/v1/mail` },
} satisfies Record<string, Route>;

export type Delivered = {
  key: string;
  to: string;
  template: string;
  locale: string;
  params: Record<string, unknown>;
  /** What the citizen reads (the SMS, or the mail's body); subject for mail only. */
  text: string;
  subject?: string;
};

/**
 * What the simulated gateways did, per idempotency key: how many requests arrived and how many
 * messages actually went out (at most one per key, as a real gateway honouring the key does).
 */
export const gatewayLog = {
  requests: new Map<string, number>(),
  delivered: [] as (Delivered & { channel: 'sms' | 'email' })[],
  reset() {
    this.requests.clear();
    this.delivered.length = 0;
  },
  deliveredCount(key: string) {
    return this.delivered.filter((d) => d.key === key).length;
  },
};

let smsLogFile: string | null = null;

/**
 * Where the simulated SMS gateway appends each message it "sends" (one JSON line: time, to,
 * template, text), for a demo visitor and the browser story to read one-time codes. Only the
 * simulated gateway writes it, so only with MOCKS=true, where no message reaches a phone.
 */
export function setSimulatedSmsLog(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  smsLogFile = file;
}

function gateway(channel: 'sms' | 'email', route: Route) {
  return http.post(route.url, async ({ request }) => {
    const key = request.headers.get('idempotency-key');
    if (!key) return HttpResponse.json({ error: 'idempotency_key_required' }, { status: 400 });
    const body = (await request.json()) as Omit<Delivered, 'key'>;
    // The contract: the portal sends the rendered text (and a mail its subject).
    if (typeof body.text !== 'string' || body.text === '' || (channel === 'email' && !body.subject)) {
      return HttpResponse.json({ error: 'text_required' }, { status: 400 });
    }
    gatewayLog.requests.set(key, (gatewayLog.requests.get(key) ?? 0) + 1);
    const duplicate = gatewayLog.delivered.some((d) => d.key === key && d.channel === channel);
    if (!duplicate) gatewayLog.delivered.push({ channel, key, to: body.to, template: body.template, locale: body.locale, params: body.params, text: body.text, subject: body.subject });
    if (!duplicate && channel === 'sms' && smsLogFile) {
      fs.appendFileSync(smsLogFile, `${JSON.stringify({ at: new Date().toISOString(), to: body.to, template: body.template, text: body.text })}\n`, { mode: 0o600 });
    }
    const id = `${channel}-${key}`;
    return HttpResponse.json(channel === 'sms' ? { messageId: id, duplicate } : { id, duplicate });
  });
}

export const gatewayHandlers = [gateway('sms', gatewayRoutes.sms), gateway('email', gatewayRoutes.email)];
