import fs from 'node:fs';
import type { Clock } from '../services/context.js';

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
