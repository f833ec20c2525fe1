import { SettingError } from '../services/setting-error.js';

/**
 * How long a process may take to stop once asked (SIGTERM, SIGINT) before it ends itself.
 *
 * Stopping waits for the step in hand: a request being answered, a message being sent. A database
 * connection that went silent mid-query (a failover whose packets vanish) holds that step until
 * the kernel's keepalive gives up, which by the host's defaults takes minutes; the supervisor would
 * then kill the process without a word. Twenty seconds is below Kubernetes' thirty and far above
 * any healthy step, so the process ends on its own with one sentence saying why. Nothing is lost:
 * an unfinished transaction is rolled back by the server, and a message claimed but not recorded
 * as sent comes back to the outbox when its claim lapses (services/notifications/worker.ts).
 */
export const DEFAULT_STOP_TIMEOUT_SECONDS = 20;

/** STOP_TIMEOUT_SECONDS, whole seconds from 1 to 3600; 20 when unset. */
export function stopTimeoutFromEnv(env: Record<string, string | undefined>): number {
  const v = (env.STOP_TIMEOUT_SECONDS ?? '').trim();
  if (v === '') return DEFAULT_STOP_TIMEOUT_SECONDS;
  const s = Number(v);
  if (!/^\d+$/.test(v) || s < 1 || s > 3600) throw new SettingError(`STOP_TIMEOUT_SECONDS must be whole seconds from 1 to 3600, not "${v}"`);
  return s;
}

/**
 * Runs `stopping` once; exits 0 when it settles cleanly, 1 when it fails, and 1 with one sentence
 * when it has not settled within `seconds`. Later calls (a second signal) change nothing.
 */
export function stopWithin(name: string, seconds: number, stopping: () => Promise<unknown>): (signal: string) => void {
  let started = false;
  return (signal) => {
    if (started) return;
    started = true;
    console.log(`${name}: ${signal}, stopping`);
    const timer = setTimeout(() => {
      console.error(`${name}: did not stop within ${seconds} s (a step waits on a connection that does not answer); exiting, unfinished work is taken up again at the next start`);
      process.exit(1);
    }, seconds * 1000);
    stopping().then(
      () => {
        clearTimeout(timer);
        process.exit(0);
      },
      (e: unknown) => {
        clearTimeout(timer);
        console.error(`${name}: did not stop cleanly`, e);
        process.exit(1);
      },
    );
  };
}
