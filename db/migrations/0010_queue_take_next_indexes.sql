DROP INDEX "queue_items_claim_idx";--> statement-breakpoint
CREATE INDEX "queue_items_waiting_idx" ON "queue_items" USING btree ("office_code","front_of_queue","completeness_deadline","due_date","received_at","id") WHERE state = 'waiting';--> statement-breakpoint
CREATE INDEX "queue_items_leased_idx" ON "queue_items" USING btree ("office_code","lease_expires_at") WHERE state = 'claimed';