import type { OutboxConfig } from '../integrations/config.js';

/**
 * Delay before the next attempt after `attempts` failed ones: base, 2×base, 4×base … capped.
 * No jitter: one worker per outbox row (SKIP LOCKED), so there is no herd to spread out, and
 * tests can step the clock to the exact moment.
 */
export function retryDelayMs(cfg: OutboxConfig, attempts: number): number {
  return Math.min(cfg.maxDelayMs, cfg.baseDelayMs * 2 ** Math.max(0, attempts - 1));
}
