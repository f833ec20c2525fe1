import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { courierLog } from '../mocks/courier.js';
import { gatewayLog } from '../mocks/gateways.js';
import { mockServer } from '../mocks/node.js';

// Every system around the portal is simulated by msw; a request to anything else is an error,
// so no test touches the network (tests/mocks). Loopback is not the network: server tests call
// the app they started.
beforeAll(() =>
  mockServer.listen({
    onUnhandledRequest: (request, print) => {
      const host = new URL(request.url).hostname;
      if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') return;
      print.error();
    },
  }),
);
afterAll(() => mockServer.close());

// A console.error during a test is a bug that a passing assertion would hide (as in the Epic Stack).
const originalError = console.error;
let errors: unknown[][] = [];
console.error = (...args: unknown[]) => {
  errors.push(args);
  originalError(...args);
};

afterEach(() => {
  const seen = errors;
  errors = [];
  vi.restoreAllMocks();
  mockServer.resetHandlers();
  gatewayLog.reset();
  courierLog.reset();
  if (seen.length > 0) throw new Error(`console.error was called during the test: ${String(seen[0][0])}`);
});
