/**
 * Where the systems around the portal live and how patiently we call them. Every adapter reads
 * its endpoint from here (never from process.env directly), so tests inject small timeouts and
 * the server builds the whole thing once from the environment.
 */
import { SettingError } from '../setting-error.js';

export const SYSTEMS = ['populationRegistry', 'vehicleRecords', 'exitEntryControls', 'smsGateway', 'email', 'eLicence', 'courier', 'paymentPlatform'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export type EndpointConfig = {
  baseUrl: string;
  /** Sent as a bearer token; empty for the simulated systems. */
  apiKey: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts for idempotent calls (0 = one attempt). */
  retries: number;
  /** First backoff delay; doubles per retry. */
  backoffMs: number;
};

export type OutboxConfig = {
  /** Delivery attempts before a message is dead-lettered. */
  maxAttempts: number;
  /** Delay before the 2nd attempt; doubles per attempt up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A message claimed longer ago than this by a worker that never finished is claimable again. */
  visibilityTimeoutMs: number;
  batchSize: number;
  /** How often the worker looks for due messages. */
  pollMs: number;
};

/**
 * The courier's shared secrets (decision 0035): `requestSecret` signs our requests (HMAC-SHA256),
 * `webhookSecret` is what the courier signs its tracking events with.
 */
export type CourierKeys = { requestSecret: string; webhookSecret: string };

/** The simulated courier's secrets (MOCKS=true only; the server refuses to start without real ones otherwise). */
export const MOCK_COURIER_KEYS: CourierKeys = { requestSecret: 'simulated-courier-request-secret', webhookSecret: 'simulated-courier-webhook-secret' };

/**
 * The unified public-payment platform's merchant account: our merchant id and the shared key
 * that signs our requests and the platform's callbacks (HMAC-SHA256, services/integrations/payment-platform.ts).
 */
export type PaymentMerchantConfig = {
  merchantId: string;
  signingKey: string;
};

/** The simulated platform's merchant account (MOCKS only; never valid at a real platform). */
export const SIMULATED_MERCHANT: PaymentMerchantConfig = { merchantId: 'ONEWINDOW-DEMO', signingKey: 'simulated-payment-platform-key' };

export type IntegrationsConfig = Record<SystemName, EndpointConfig> & { outbox: OutboxConfig; courierKeys: CourierKeys; payment: PaymentMerchantConfig };

/** Host names the simulated systems answer on (msw, MOCKS=true); never resolvable on a real network. */
export const MOCK_BASE_URLS: Record<SystemName, string> = {
  populationRegistry: 'http://population-registry.mock.invalid',
  vehicleRecords: 'http://vehicle-records.mock.invalid',
  exitEntryControls: 'http://exit-entry-controls.mock.invalid',
  smsGateway: 'http://sms-gateway.mock.invalid',
  email: 'http://email.mock.invalid',
  eLicence: 'http://e-licence.mock.invalid',
  courier: 'http://courier.mock.invalid',
  paymentPlatform: 'http://payment-platform.mock.invalid',
};

const ENV_PREFIX: Record<SystemName, string> = {
  populationRegistry: 'POPULATION_REGISTRY',
  vehicleRecords: 'VEHICLE_RECORDS',
  exitEntryControls: 'EXIT_ENTRY_CONTROLS',
  smsGateway: 'SMS_GATEWAY',
  email: 'EMAIL_SERVICE',
  eLicence: 'E_LICENCE',
  courier: 'COURIER',
  paymentPlatform: 'PAYMENT_PLATFORM',
};

const endpoint = (system: SystemName, overrides: Partial<EndpointConfig> = {}): EndpointConfig => ({
  baseUrl: MOCK_BASE_URLS[system],
  apiKey: '',
  timeoutMs: 5_000,
  // The gateways are retried by the outbox, the courier by its shipment job: a retry inside one attempt only adds latency.
  retries: system === 'smsGateway' || system === 'email' || system === 'courier' ? 0 : 2,
  backoffMs: 200,
  ...overrides,
});

export type IntegrationsOverrides = Partial<Record<SystemName, Partial<EndpointConfig>>> & { outbox?: Partial<OutboxConfig>; courierKeys?: Partial<CourierKeys>; payment?: Partial<PaymentMerchantConfig> };

export function defaultIntegrations(overrides: IntegrationsOverrides = {}): IntegrationsConfig {
  return {
    populationRegistry: endpoint('populationRegistry', overrides.populationRegistry),
    vehicleRecords: endpoint('vehicleRecords', overrides.vehicleRecords),
    exitEntryControls: endpoint('exitEntryControls', overrides.exitEntryControls),
    smsGateway: endpoint('smsGateway', overrides.smsGateway),
    email: endpoint('email', overrides.email),
    eLicence: endpoint('eLicence', overrides.eLicence),
    courier: endpoint('courier', overrides.courier),
    courierKeys: { ...MOCK_COURIER_KEYS, ...overrides.courierKeys },
    paymentPlatform: endpoint('paymentPlatform', overrides.paymentPlatform),
    payment: { ...SIMULATED_MERCHANT, ...overrides.payment },
    outbox: {
      maxAttempts: 6,
      baseDelayMs: 30_000,
      maxDelayMs: 60 * 60_000,
      visibilityTimeoutMs: 5 * 60_000,
      batchSize: 20,
      pollMs: 2_000,
      ...overrides.outbox,
    },
  };
}

const num = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/**
 * Reads `<SYSTEM>_URL`, `<SYSTEM>_API_KEY`, `<SYSTEM>_TIMEOUT_MS`, `<SYSTEM>_RETRIES` and the
 * OUTBOX_* settings. With `mocks` false every system must have a URL: production must not fall
 * back to the simulated hosts.
 */
export function integrationsFromEnv(env: NodeJS.ProcessEnv, opts: { mocks: boolean }): IntegrationsConfig {
  const overrides: IntegrationsOverrides = {};
  const missing: string[] = [];
  for (const system of Object.keys(ENV_PREFIX) as SystemName[]) {
    const p = ENV_PREFIX[system];
    const url = env[`${p}_URL`];
    if (!url && !opts.mocks) missing.push(`${p}_URL`);
    overrides[system] = {
      ...(url ? { baseUrl: url.replace(/\/+$/, '') } : {}),
      ...(env[`${p}_API_KEY`] ? { apiKey: env[`${p}_API_KEY`] } : {}),
      ...(num(env[`${p}_TIMEOUT_MS`]) !== undefined ? { timeoutMs: num(env[`${p}_TIMEOUT_MS`]) } : {}),
      ...(num(env[`${p}_RETRIES`]) !== undefined ? { retries: num(env[`${p}_RETRIES`]) } : {}),
    };
  }
  const courierKeys: Partial<CourierKeys> = {};
  if (env.COURIER_SIGNING_SECRET) courierKeys.requestSecret = env.COURIER_SIGNING_SECRET;
  else if (!opts.mocks) missing.push('COURIER_SIGNING_SECRET');
  if (env.COURIER_WEBHOOK_SECRET) courierKeys.webhookSecret = env.COURIER_WEBHOOK_SECRET;
  else if (!opts.mocks) missing.push('COURIER_WEBHOOK_SECRET');
  const payment: Partial<PaymentMerchantConfig> = {};
  if (env.PAYMENT_MERCHANT_ID) payment.merchantId = env.PAYMENT_MERCHANT_ID;
  if (env.PAYMENT_SIGNING_KEY) payment.signingKey = env.PAYMENT_SIGNING_KEY;
  // The simulated merchant's key is public: a real platform must be called with a key of our own.
  if (!opts.mocks) for (const k of ['PAYMENT_MERCHANT_ID', 'PAYMENT_SIGNING_KEY']) if (!env[k]) missing.push(k);
  if (missing.length > 0) throw new SettingError(`External systems are not configured (MOCKS is off): set ${missing.join(', ')}`);
  const outbox: Partial<OutboxConfig> = {};
  if (num(env.OUTBOX_MAX_ATTEMPTS)) outbox.maxAttempts = num(env.OUTBOX_MAX_ATTEMPTS);
  if (num(env.OUTBOX_BASE_DELAY_MS)) outbox.baseDelayMs = num(env.OUTBOX_BASE_DELAY_MS);
  if (num(env.OUTBOX_MAX_DELAY_MS)) outbox.maxDelayMs = num(env.OUTBOX_MAX_DELAY_MS);
  if (num(env.OUTBOX_VISIBILITY_TIMEOUT_MS)) outbox.visibilityTimeoutMs = num(env.OUTBOX_VISIBILITY_TIMEOUT_MS);
  if (num(env.OUTBOX_POLL_MS)) outbox.pollMs = num(env.OUTBOX_POLL_MS);
  return defaultIntegrations({ ...overrides, outbox, courierKeys, payment });
}
