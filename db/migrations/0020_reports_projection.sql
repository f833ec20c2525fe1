CREATE TABLE "projection_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"xact" bigint NOT NULL,
	"audit_id" bigint NOT NULL,
	"last_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "desk_tally_changes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"office_code" text NOT NULL,
	"status" text NOT NULL,
	"department" text NOT NULL,
	"service_code" text NOT NULL,
	"due_date" date NOT NULL,
	"n" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "facts" jsonb;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "xact" bigint DEFAULT (pg_current_xact_id()::text)::bigint NOT NULL;--> statement-breakpoint
CREATE INDEX "desk_tally_changes_office_idx" ON "desk_tally_changes" USING btree ("office_code");--> statement-breakpoint
CREATE INDEX "audit_events_projection_idx" ON "audit_events" USING btree ("xact","id") WHERE facts is not null;--> statement-breakpoint
-- Reports are a projection of the audit trail (docs/decisions/0025, services/reports/mapping.ts):
-- the set-based rebuild in SQL was a third definition of every figure, and goes. Existing rows
-- were counted by the live hook and carry no facts, so the projection starts after them.
DROP FUNCTION IF EXISTS rebuild_report_rollup();
--> statement-breakpoint
INSERT INTO projection_cursors (name, xact, audit_id, last_at)
  VALUES ('reports', 0, 0, (SELECT max(at) FROM audit_events WHERE to_status IS NOT NULL)), ('desk_tallies', 0, 0, NULL);
--> statement-breakpoint
-- The desk's tallies: a change appends +1/-1 rows (no shared row locked on the write path); the
-- worker folds them into desk_tallies (services/queue/desk-tallies.ts). The trigger desk_tally()
-- of migration 0016 calls this function and is unchanged.
CREATE OR REPLACE FUNCTION desk_tally_add(o text, s text, d text, sc text, due date, delta integer) RETURNS void AS $$
BEGIN
  IF o IS NULL OR s NOT IN ('submitted','under_review','needs_supplement','supplemented','accepted') THEN
    RETURN;
  END IF;
  -- An unknown due date (its calendar year not entered, migration 0019) is tallied under 'infinity'.
  due := coalesce(due, 'infinity'::date);
  INSERT INTO desk_tally_changes (office_code, status, department, service_code, due_date, n) VALUES (o, s, d, sc, due, delta);
END;
$$ LANGUAGE plpgsql;
