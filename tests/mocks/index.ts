import { setSimulatedSmsLog } from './gateways.js';
import { mockServer } from './node.js';

/**
 * Entry for the server with MOCKS=true: the systems around the portal are simulated in-process
 * with the seeded data of tests/mocks/data.ts, so the demo works offline. Requests to any other
 * host pass through untouched.
 */
export function startMocks(opts: { smsLog?: string } = {}): void {
  if (opts.smsLog) setSimulatedSmsLog(opts.smsLog);
  mockServer.listen({ onUnhandledRequest: 'bypass' });
  console.log('onewindow: external systems simulated in-process (MOCKS=true)');
}
