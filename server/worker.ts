import { createDb, migrate } from '../db/client.js';
import { seedReference } from '../db/seed.js';
import { defaultConfig } from '../services/context.js';
import { SettingError } from '../services/setting-error.js';
import { integrationsFromEnv } from '../services/integrations/config.js';
import { startWorkerLoop } from '../services/notifications/loop.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataKeysFromEnv, publicUrlFromEnv, signingKeysFromEnv } from './secrets.js';
import { mocksEnabled, startupFailure } from './settings.js';
import { clockFromEnv } from './simulated-clock.js';
import { stopTimeoutFromEnv, stopWithin } from './stop-within.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The outbox worker (and identity re-checks) as its own process: `npm run worker`. It needs
 * PostgreSQL (DATABASE_URL): an embedded PGlite directory belongs to the one process that opened
 * it, so with PGlite the server's in-process worker is the only one. Run as many as you like;
 * SKIP LOCKED keeps them off each other's messages. Set OUTBOX_WORKER=off on the web servers
 * if only these should deliver.
 */
const mocks = mocksEnabled(process.env);

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new SettingError('npm run worker needs DATABASE_URL (PostgreSQL); with PGlite the server runs the worker itself');
  if (mocks) (await import('../tests/mocks/index.js')).startMocks({ smsLog: process.env.SIMULATED_SMS_LOG || path.join(root, '.data', 'simulated-sms.log') });
  const clock = clockFromEnv(process.env, mocks);
  const stopTimeout = stopTimeoutFromEnv(process.env);
  const handle = await createDb({ url, max: 4, applicationName: 'onewindow worker' });
  // Before the loop: a database out of reach ends the process with one sentence (not a log line
  // every poll), and a fresh one gets its tables and reference data (the holiday calendar the
  // clocks count working days by) as a server would give it, each process taking its turn.
  await handle.exclusive(async () => {
    await migrate(handle);
    await seedReference(handle.db);
  });
  // The same keys as the servers: the worker opens the one-time codes sealed in the outbox (decision 0024).
  // And their signing keys: the worker seals the completion documents it hands to the e-licence system (decision 0034).
  const config = defaultConfig({
    integrations: integrationsFromEnv(process.env, { mocks }),
    dataKeys: dataKeysFromEnv(process.env, root),
    signingKeys: signingKeysFromEnv(process.env, root),
    publicUrl: publicUrlFromEnv(process.env),
  });
  const worker = startWorkerLoop({ db: handle.db, clock, config });
  console.log(`onewindow worker: every ${config.integrations.outbox.pollMs} ms, delivers notifications and runs the law's clocks (deemed acceptance, supplement deadlines, overdue)`);
  // Stop on the first signal: the message being sent is finished and recorded, the rest of the
  // batch handed back (DeliverOptions.signal), the connections closed; then exit 0. A second
  // signal changes nothing: stopping waits only for the step in hand, and at most STOP_TIMEOUT_SECONDS.
  const shutdown = stopWithin('onewindow worker', stopTimeout, () => worker.stop().then(() => handle.close()));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e) => {
  console.error(startupFailure(e, process.env));
  process.exit(1);
});
