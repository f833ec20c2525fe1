import { defaultIntegrations, type IntegrationsOverrides } from '../../services/integrations/config.js';
import type { Config } from '../../services/context.js';
import { testConfig } from './factories.js';

/**
 * Integration settings for tests: the simulated hosts, timeouts of tens of milliseconds and
 * backoff of one, so timeout and retry scenarios run fast.
 */
export function fastIntegrations(overrides: IntegrationsOverrides = {}) {
  const fast = { timeoutMs: 80, retries: 2, backoffMs: 1 };
  return defaultIntegrations({
    populationRegistry: { ...fast, ...overrides.populationRegistry },
    vehicleRecords: { ...fast, ...overrides.vehicleRecords },
    exitEntryControls: { ...fast, ...overrides.exitEntryControls },
    smsGateway: { ...fast, retries: 0, ...overrides.smsGateway },
    email: { ...fast, retries: 0, ...overrides.email },
    eLicence: { ...fast, retries: 0, ...overrides.eLicence },
    courier: { ...fast, retries: 0, ...overrides.courier },
    outbox: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000, visibilityTimeoutMs: 30_000, batchSize: 10, pollMs: 10, ...overrides.outbox },
  });
}

export function fastConfig(overrides: IntegrationsOverrides = {}, rest: Partial<Config> = {}): Config {
  return testConfig({ integrations: fastIntegrations(overrides), ...rest });
}
