import { runClockSweeps } from '../clock-rules/sweep.js';
import { recheckIdentities } from '../integrations/identity.js';
import { deliverDueMessages, type WorkerContext } from './worker.js';

/**
 * Runs the background work — outbox delivery and identity re-checks — every pollMs until
 * stopped. The same loop runs inside the server (default) or alone (`npm run worker`). A failed
 * round is logged and the next one tries again: every step is safe to repeat.
 */
export function startWorkerLoop(ctx: WorkerContext, opts: { log?: (msg: string, e?: unknown) => void } = {}): { stop: () => Promise<void> } {
  const log = opts.log ?? ((msg, e) => console.warn(msg, e ?? ''));
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  const round = async () => {
    try {
      // Drain: a full batch means more may be due right now.
      for (;;) {
        const r = await deliverDueMessages(ctx);
        if (stopped || r.claimed < ctx.config.integrations.outbox.batchSize) break;
      }
      await recheckIdentities(ctx);
      await runClockSweeps(ctx);
    } catch (e) {
      log('worker: round failed; retrying next round', e);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().finally(schedule);
    }, ctx.config.integrations.outbox.pollMs);
    timer.unref?.();
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
