import { setupServer } from 'msw/node';
import { handlers } from './handlers.js';

/**
 * The one msw server of a test process (started in tests/setup/setup-file.ts, unhandled
 * requests are errors: no test reaches the network) and of the demo server (MOCKS=true).
 */
export const mockServer = setupServer(...handlers);

/** Counts requests whose URL starts with `prefix` from now on; returns the counter and a stop. */
export function countRequests(prefix: string): { count: () => number; stop: () => void } {
  let n = 0;
  const listener = ({ request }: { request: Request }) => {
    if (request.url.startsWith(prefix)) n++;
  };
  mockServer.events.on('request:start', listener);
  return { count: () => n, stop: () => mockServer.events.removeListener('request:start', listener) };
}
