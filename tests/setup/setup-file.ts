import { PGlite } from '@electric-sql/pglite';
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

// PGlite answers in microtasks only: a test that runs statements back to back never lets the
// worker's event loop turn, so a reply vitest's worker is waiting for sits unread, and after 60 s
// its own RPC timer fires ("Timeout calling onTaskUpdate") and fails a run whose tests all passed
// (seen on a loaded machine, where a long test passes 60 s). Each top-level statement first gives
// the loop one turn; the statements themselves are unchanged.
for (const method of ['query', 'exec', 'transaction'] as const) {
  const original = PGlite.prototype[method] as (...args: unknown[]) => Promise<unknown>;
  Object.defineProperty(PGlite.prototype, method, {
    configurable: true,
    writable: true,
    value: async function (this: PGlite, ...args: unknown[]) {
      await new Promise((r) => setImmediate(r));
      return original.apply(this, args);
    },
  });
}

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
