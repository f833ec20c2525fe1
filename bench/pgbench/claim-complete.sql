-- The queue's mechanics at their simplest, the reference for "take next" (bench/queue.ts): claim the
-- most urgent waiting item of the office with SKIP LOCKED, down the same partial index in the same
-- order take next walks (queue_items_waiting_idx, services/queue/urgency.ts), then complete it.
-- No application row, audit row or status change: what any SKIP LOCKED queue on this table costs.
-- Run as: pgbench -n -M extended -f claim-complete.sql -D office=<office code> -D clerk=<clerk id>
BEGIN;
SELECT id AS qid FROM queue_items
 WHERE office_code = :office AND state = 'waiting'
 ORDER BY front_of_queue, completeness_deadline, due_date, priority DESC NULLS FIRST, received_at, id
 LIMIT 1 FOR UPDATE SKIP LOCKED \gset
UPDATE queue_items SET state = 'claimed', claimed_by = :clerk, held_since = now(),
       lease_expires_at = now() + interval '30 minutes', lease_version = lease_version + 1
 WHERE id = :qid;
COMMIT;
UPDATE queue_items SET state = 'done' WHERE id = :qid;
