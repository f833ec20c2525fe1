import { loggable } from '../../db/failures.js';
import { runClockSweeps } from '../clock-rules/sweep.js';
import { pushCompletionsToELicence } from '../documents/e-licence-push.js';
import { recheckIdentities } from '../integrations/identity.js';
import { pruneOneTimeCodes } from '../auth/one-time-codes.js';
import { pruneRateLimits } from '../security/rate-limit.js';
import { runProjections } from '../reports/run-projections.js';
import { createDueShipments, pollShipments } from '../shipments/shipments.js';
import { reconcilePayments } from '../payments/reconcile.js';
import { trackRefunds } from '../payments/refunds.js';
import { deliverDueMessages, type WorkerContext } from './worker.js';

const RATE_PRUNE_EVERY_MS = 60 * 60_000;

/**
 * Runs the background work — outbox delivery, the projections of the audit trail (report figures,
 * desk tallies), identity re-checks and the law's clocks — every pollMs until
 * stopped. The same loop runs inside the server (default) or alone (`npm run worker`). A failed
 * round is logged and the next one tries again: every step is safe to repeat, so a database that
 * restarts or fails over costs the rounds it is away and nothing else.
 *
 * The pending timer keeps the process alive: in `npm run worker` the loop is all there is, and a
 * process that exits delivers nothing. Whoever starts the loop stops it.
 */
export function startWorkerLoop(ctx: WorkerContext, opts: { log?: (msg: string, e?: unknown) => void } = {}): { stop: () => Promise<void> } {
  const log = opts.log ?? ((msg, e) => console.warn(msg, e === undefined ? '' : loggable(e)));
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  // Aborted by stop(): the batch in hand is finished or handed back at once (DeliverOptions.signal).
  const halt = new AbortController();
  // Rate-limit windows last an hour at most; clearing the ended ones hourly keeps the table to about a day's keys.
  let ratesPrunedAt = -Infinity;

  const round = async () => {
    try {
      // Drain: a full batch means more may be due right now.
      for (;;) {
        const r = await deliverDueMessages(ctx, { signal: halt.signal });
        if (stopped || r.claimed < ctx.config.integrations.outbox.batchSize) break;
      }
      if (stopped) return;
      // Parcels of completions by post, then what the courier says of those on their way (decision 0035).
      await createDueShipments(ctx);
      await pollShipments(ctx);
      // First: the report figures lag the trail by about one poll interval (docs/decisions/0025).
      await runProjections(ctx.db);
      await recheckIdentities(ctx);
      await runClockSweeps(ctx);
      // Completion documents to the national e-licence system, outside the decisions' transactions (decision 0034).
      await pushCompletionsToELicence(ctx);
      // Ended code flows, with the pending sign-ups' password hashes they hold (decision 0024).
      await pruneOneTimeCodes(ctx.db, ctx.clock);
      if (ctx.clock.now().getTime() - ratesPrunedAt >= RATE_PRUNE_EVERY_MS) {
        await pruneRateLimits(ctx.db, ctx.clock);
        ratesPrunedAt = ctx.clock.now().getTime();
      }
      // Refunds followed to completion, and yesterday's statement reconciled once (services/payments).
      await trackRefunds(ctx);
      await reconcilePayments(ctx);
    } catch (e) {
      log('worker: round failed; retrying next round', e);
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().finally(schedule);
    }, ctx.config.integrations.outbox.pollMs);
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      halt.abort();
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
