import { describe, expect, it } from 'vitest';
import { MOCK_BASE_URLS, type SystemName } from '../../services/integrations/config.js';
import { sendEmail } from '../../services/integrations/email.js';
import { checkControls } from '../../services/integrations/exit-entry-controls.js';
import { IntegrationError } from '../../services/integrations/http.js';
import { householdOf, verifyIdentity } from '../../services/integrations/population-registry.js';
import { sendSms } from '../../services/integrations/sms-gateway.js';
import { vehicleByPlate } from '../../services/integrations/vehicle-records.js';
import { controlsRoutes } from '../mocks/exit-entry-controls.js';
import { gatewayLog, gatewayRoutes } from '../mocks/gateways.js';
import { countRequests, mockServer } from '../mocks/node.js';
import { registryRoutes } from '../mocks/population-registry.js';
import { failures, type Route } from '../mocks/scenarios.js';
import { vehicleRoutes } from '../mocks/vehicle-records.js';
import { fastIntegrations } from '../support/integrations.js';

const cfg = fastIntegrations();

type Case = {
  system: SystemName;
  name: string;
  route: Route;
  call: () => Promise<unknown>;
  expectSuccess: (out: unknown) => void;
  /** What a 404 means for this call: null (no record), or an error (the call itself was wrong). */
  notFound: 'null' | 'rejected';
  /** Retried within the call (reads, and writes with an idempotency key when retries > 0). */
  attemptsOn5xx: number;
};

const cases: Case[] = [
  {
    system: 'populationRegistry',
    name: 'verifyIdentity',
    route: registryRoutes.identityCheck,
    call: () => verifyIdentity(cfg, { name: '张三', idNumber: '110101199003071233' }),
    expectSuccess: (out) => expect(out).toEqual({ match: true, cancelled: false }),
    notFound: 'rejected',
    attemptsOn5xx: 3,
  },
  {
    system: 'populationRegistry',
    name: 'householdOf',
    route: registryRoutes.household,
    call: () => householdOf(cfg, '110101199003071233'),
    expectSuccess: (out) => expect(out).toMatchObject({ hukouRegion: '110101', idCardValid: true }),
    notFound: 'null',
    attemptsOn5xx: 3,
  },
  {
    system: 'vehicleRecords',
    name: 'vehicleByPlate',
    route: vehicleRoutes.byPlate,
    call: () => vehicleByPlate(cfg, '京B67890'),
    expectSuccess: (out) => expect(out).toMatchObject({ vehicleType: 'smallPassenger', unsettled: [{ kind: 'violation' }, { kind: 'accident' }] }),
    notFound: 'null',
    attemptsOn5xx: 3,
  },
  {
    system: 'exitEntryControls',
    name: 'checkControls',
    route: controlsRoutes.check,
    call: () => checkControls(cfg, { name: '某人', idNumber: '110101198001010037' }),
    expectSuccess: (out) => expect(out).toEqual({ hit: true, reference: 'CTL-2026-0001' }),
    notFound: 'rejected',
    attemptsOn5xx: 3,
  },
  {
    system: 'smsGateway',
    name: 'sendSms',
    route: gatewayRoutes.sms,
    call: () => sendSms(cfg, { to: '13800138000', template: 'receipt', locale: 'zh-CN', params: { number: 'X' }, text: '您的申请X已收到。', idempotencyKey: 'k-sms' }),
    expectSuccess: (out) => {
      expect(out).toEqual({ messageId: 'sms-k-sms', duplicate: false });
      expect(gatewayLog.deliveredCount('k-sms')).toBe(1);
    },
    notFound: 'rejected',
    attemptsOn5xx: 1,
  },
  {
    system: 'email',
    name: 'sendEmail',
    route: gatewayRoutes.email,
    call: () => sendEmail(cfg, { to: 'a@example.org', template: 'receipt', locale: 'en', params: {}, subject: 'Received', text: 'Your application was received.', idempotencyKey: 'k-mail' }),
    expectSuccess: (out) => expect(out).toEqual({ id: 'email-k-mail', duplicate: false }),
    notFound: 'rejected',
    attemptsOn5xx: 1,
  },
];

async function failure(p: Promise<unknown>): Promise<IntegrationError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(IntegrationError);
  return e as IntegrationError;
}

describe.each(cases)('$system: $name', (c) => {
  it('answers from the simulated system, validated', async () => {
    c.expectSuccess(await c.call());
  });

  it('handles not found', async () => {
    mockServer.use(failures.notFound(c.route));
    if (c.notFound === 'null') {
      expect(await c.call()).toBeNull();
    } else {
      const e = await failure(c.call());
      expect(e).toMatchObject({ code: 'integration.rejected', status: 503, retryable: false, system: c.system });
    }
  });

  it('times out when the system does not answer, after its retries', async () => {
    mockServer.use(failures.slow(c.route));
    const counter = countRequests(MOCK_BASE_URLS[c.system]);
    const started = Date.now();
    const e = await failure(c.call());
    counter.stop();
    expect(e).toMatchObject({ code: 'integration.timeout', status: 503, retryable: true });
    expect(counter.count()).toBe(c.attemptsOn5xx);
    // Each attempt waits for its own timeout (80 ms), not more.
    expect(Date.now() - started).toBeLessThan(80 * c.attemptsOn5xx + 1_000);
  });

  it('retries a 5xx (when safe to repeat), then fails as unavailable', async () => {
    mockServer.use(failures.serverError(c.route));
    const counter = countRequests(MOCK_BASE_URLS[c.system]);
    const e = await failure(c.call());
    counter.stop();
    expect(e).toMatchObject({ code: 'integration.unavailable', status: 503, retryable: true });
    expect(counter.count()).toBe(c.attemptsOn5xx);
  });

  it('refuses a malformed answer (zod) without retrying', async () => {
    mockServer.use(failures.malformed(c.route));
    const counter = countRequests(MOCK_BASE_URLS[c.system]);
    const e = await failure(c.call());
    counter.stop();
    expect(e).toMatchObject({ code: 'integration.malformed', status: 503, retryable: false });
    expect(counter.count()).toBe(1);
  });

  it('refuses an answer that is not JSON', async () => {
    mockServer.use(failures.notJson(c.route));
    expect(await failure(c.call())).toMatchObject({ code: 'integration.malformed' });
  });
});

describe('retries', () => {
  it('a read that fails once and then answers succeeds', async () => {
    let n = 0;
    const { http, HttpResponse } = await import('msw');
    mockServer.use(
      http.get(vehicleRoutes.byPlate.url, () => {
        n++;
        return n === 1 ? HttpResponse.json({}, { status: 503 }) : undefined;
      }),
    );
    expect(await vehicleByPlate(cfg, '京A12345')).toMatchObject({ plate: '京A12345', unsettled: [] });
    expect(n).toBe(2);
  });

  it('sends the API key as a bearer token when one is configured', async () => {
    const { http, HttpResponse } = await import('msw');
    let auth: string | null = null;
    mockServer.use(
      http.get(vehicleRoutes.byPlate.url, ({ request }) => {
        auth = request.headers.get('authorization');
        return HttpResponse.json({ error: 'not_found' }, { status: 404 });
      }),
    );
    await vehicleByPlate(fastIntegrations({ vehicleRecords: { apiKey: 's3cret' } }), '京Z00000');
    expect(auth).toBe('Bearer s3cret');
  });
});

describe('personal data in transit', () => {
  it('never puts an ID number in a URL the registry, controls or gateways are called at', async () => {
    const urls: string[] = [];
    const listener = ({ request }: { request: Request }) => void urls.push(request.url);
    mockServer.events.on('request:start', listener);
    try {
      const id = '110101199003071233';
      await verifyIdentity(cfg, { name: '张三', idNumber: id });
      expect(await householdOf(cfg, id)).toMatchObject({ idNumber: id });
      await checkControls(cfg, { name: '某人', idNumber: '110101198001010037' });
      expect(urls.length).toBeGreaterThanOrEqual(3);
      for (const u of urls) expect(decodeURIComponent(u)).not.toMatch(/\d{17}[\dX]/);
    } finally {
      mockServer.events.removeListener('request:start', listener);
    }
  });
});
