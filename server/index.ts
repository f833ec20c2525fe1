import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { createDb, migrate } from '../db/client.js';
import { seedDemo, seedReference } from '../db/seed.js';
import { DEMO_PASSWORD } from '../db/seed-data.js';
import { seedDemoApplications } from '../db/seed-demo-applications.js';
import { defaultConfig, systemClock } from '../services/context.js';
import { integrationsFromEnv } from '../services/integrations/config.js';
import { startWorkerLoop } from '../services/notifications/loop.js';
import { resealTotpSecrets } from '../services/auth/totp.js';
import { portFromEnv, serverSettings, startupFailure } from './settings.js';
import { clockFromEnv } from './simulated-clock.js';
import { stopTimeoutFromEnv, stopWithin } from './stop-within.js';
import { readEnhancements } from './enhancements.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main() {
  const settings = serverSettings(process.env, root);
  const { production, mocks } = settings;
  // React, Express and every library choose their production code by NODE_ENV when first loaded,
  // and nothing that loads them has been imported yet (the app and the build are imported below).
  if (production) process.env.NODE_ENV = 'production';
  const { createApp, createHttpServer } = await import('./app.js');
  // The simulated SMS gateway also writes what it "sent" under .data (gitignored), so a demo visitor can
  // read the one-time codes; it exists only with MOCKS, where no SMS reaches any phone (decision 0024).
  if (mocks) (await import('../tests/mocks/index.js')).startMocks({ smsLog: process.env.SIMULATED_SMS_LOG || path.join(root, '.data', 'simulated-sms.log') });
  // The browser story moves the server's day (MOCKS only, server/simulated-clock.ts); never a real deployment's clock.
  const clock = clockFromEnv(process.env, mocks);
  const port = portFromEnv(process.env);
  const stopTimeout = stopTimeoutFromEnv(process.env);
  const url = process.env.DATABASE_URL || undefined;
  const reportsUrl = process.env.REPORTS_DATABASE_URL || undefined;
  if (reportsUrl && !url) throw new Error('REPORTS_DATABASE_URL needs DATABASE_URL: the embedded PGlite has no replicas');
  const max = Number(process.env.DATABASE_POOL_MAX) || undefined;
  const handle = await createDb({ url, dataDir: process.env.PGLITE_DIR || undefined, max });
  // Reports only read; a replica takes their scans off the primary (decision 0012).
  const reports = reportsUrl ? await createDb({ url: reportsUrl, max }) : null;

  const build = (await import(pathToFileURL(path.join(root, 'build/index.js')).href)) as ServerBuild;
  const config = defaultConfig({
    uploadDir: process.env.UPLOAD_DIR ?? path.join(root, '.data', 'uploads'),
    integrations: integrationsFromEnv(process.env, { mocks }),
    dataKeys: settings.dataKeys,
    signingKeys: settings.signingKeys,
    publicUrl: settings.publicUrl,
  });
  // Replicas starting together on an empty database take turns: one migrates and seeds, the
  // others find it done.
  const { demo, demoFilings } = await handle.exclusive(async () => {
    await migrate(handle);
    await seedReference(handle.db);
    await resealTotpSecrets(handle.db, config.dataKeys); // clear rows of older versions, rotated keys (decision 0016)
    const demo = process.env.SEED_DEMO === 'false' ? [] : await seedDemo(handle.db, config.dataKeys);
    // A fresh demo gets a few filed applications so the Dongcheng desk has work to show.
    const demoFilings = demo.length > 0 ? await seedDemoApplications(handle.db, { config, clock: systemClock }) : [];
    return { demo, demoFilings };
  });
  // The outbox worker runs here unless it runs as its own process (`npm run worker`, OUTBOX_WORKER=off here).
  const worker = process.env.OUTBOX_WORKER === 'off' ? null : startWorkerLoop({ db: handle.db, clock, config });
  const app = createApp(
    build,
    {
      db: handle.db,
      reportsDb: reports?.db,
      clock,
      config,
      sessionSecret: settings.sessionSecret,
      production,
      enhancements: readEnhancements(path.join(root, 'public/build')),
    },
    root,
    { trustProxy: settings.trustProxy },
  );

  // HOST binds one address (several replicas on one machine, one loopback address each); unset = all.
  const onListening = () => {
    console.log(`onewindow: http://localhost:${port} (${handle.engine}${url ? '' : `, data in ${process.env.PGLITE_DIR || '.data/pglite'}`})`);
    if (!production) console.log('Development mode (NODE_ENV=development): error pages show details and cookies are not Secure. Never serve the public like this.');
    if (demo.length > 0) {
      console.log(`\nDemo accounts (password for all: ${DEMO_PASSWORD})`);
      for (const u of demo) console.log(`  ${u.role.padEnd(8)} ${u.login.padEnd(12)} ${u.key}`);
      if (demoFilings.length > 0) console.log(`  demo applications filed by citizen 13800138000: ${demoFilings.join(', ')}`);
      console.log('Staff also enter a verification code: run `npm run totp -- <staff number>` (e.g. 010001) for the current one.');
      console.log('');
    } else if (process.env.SEED_DEMO !== 'false') {
      console.log(`Demo accounts: see README (password ${DEMO_PASSWORD}; staff verification code: npm run totp -- 010001).`);
    }
  };
  const host = process.env.HOST || undefined;
  const server = createHttpServer(app, config);
  // A port already taken (another server, an earlier one still running) is an operator's matter:
  // one sentence and exit 1, not an unhandled 'error' event.
  server.once('error', (e: NodeJS.ErrnoException) => {
    const what = e.code === 'EADDRINUSE' ? 'is already in use' : e.code === 'EACCES' ? 'may not be opened by this user' : `cannot be opened (${e.code ?? e.message})`;
    console.error(`onewindow: could not start: port ${port}${host ? ` on ${host}` : ''} ${what}; stop what holds it or set PORT.`);
    process.exit(1);
  });
  if (host) server.listen(port, host, onListening);
  else server.listen(port, onListening);

  // Requests in hand are answered, then the worker (if this process runs it) and the pools stop;
  // at most STOP_TIMEOUT_SECONDS (server/stop-within.ts), so a silent database cannot hold the exit.
  const shutdown = stopWithin('onewindow', stopTimeout, () =>
    new Promise<void>((resolve) => server.close(() => resolve()))
      .then(() => worker?.stop())
      .then(() => Promise.all([handle.close(), reports?.close()])),
  );
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((e) => {
  console.error(startupFailure(e, process.env));
  process.exit(1);
});
