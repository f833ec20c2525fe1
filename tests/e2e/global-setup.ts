import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Starts the production build on a fresh embedded database (as `npm start` would on a new
 * clone) and hands its URL to the story. The build must exist: `npm run test:e2e` builds first.
 */
export default async function setup(project: TestProject) {
  const root = path.resolve(__dirname, '../..');
  if (!fs.existsSync(path.join(root, 'build/index.js'))) throw new Error('No build: run `npm run build` first (npm run test:e2e does).');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onewindow-e2e-'));
  const port = 3400 + Math.floor(Math.random() * 500);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      PGLITE_DIR: path.join(dataDir, 'pglite'),
      UPLOAD_DIR: path.join(dataDir, 'uploads'),
      SESSION_SECRET: 'e2e-session-secret',
      // The simulated SMS gateway's log (MOCKS): the story reads one-time codes from it, as a demo visitor would.
      SIMULATED_SMS_LOG: path.join(dataDir, 'simulated-sms.log'),
      // The simulated clock's offset in ms (MOCKS only, server/simulated-clock.ts): the zero-visit
      // story moves the server to the day of the visit it booked, and back.
      SIMULATED_CLOCK_FILE: path.join(dataDir, 'clock-offset'),
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const base = `http://localhost:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${log}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  project.provide('e2eBase', base);
  project.provide('e2eSmsLog', path.join(dataDir, 'simulated-sms.log'));
  project.provide('e2eClockFile', path.join(dataDir, 'clock-offset'));
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2eBase: string;
    e2eSmsLog: string;
    e2eClockFile: string;
  }
}
