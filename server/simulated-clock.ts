import fs from 'node:fs';
import { systemClock, type Clock } from '../services/context.js';
import { SettingError } from '../services/setting-error.js';

/**
 * A clock that runs `offset` milliseconds ahead of the machine's, the offset read from a file on
 * every reading (a missing or unreadable file: no offset). MOCKS only (server/index.ts): the browser
 * story of zero visits (tests/e2e/zero-visit.e2e.ts) moves the server to the day of the visit it
 * booked, since a clerk records a visit kept only on or after its day. Never in production: the
 * server refuses the variable without MOCKS.
 */
export function simulatedClock(file: string): Clock {
  return {
    now: () => {
      let offset = 0;
      try {
        const n = Number(fs.readFileSync(file, 'utf8').trim());
        if (Number.isFinite(n)) offset = n;
      } catch {
        // no file: the machine's time
      }
      return new Date(Date.now() + offset);
    },
  };
}

/**
 * The clock of a process (server or worker) from its environment: the machine's, or with MOCKS and
 * SIMULATED_CLOCK_FILE the simulated one — both processes read the same file, so a worker of its
 * own runs the law's clocks on the same day the pages show. Refused without MOCKS.
 */
export function clockFromEnv(env: Partial<Record<string, string>>, mocks: boolean): Clock {
  const file = env.SIMULATED_CLOCK_FILE;
  if (!file) return systemClock;
  if (!mocks) throw new SettingError('SIMULATED_CLOCK_FILE is only for the simulated systems (MOCKS=true).');
  console.log(`onewindow: simulated clock, offset read from ${file} (MOCKS)`);
  return simulatedClock(file);
}
