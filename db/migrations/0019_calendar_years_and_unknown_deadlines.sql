CREATE TABLE "calendar_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"source" text DEFAULT '' NOT NULL,
	"verified" boolean DEFAULT false NOT NULL,
	"published_at" timestamp with time zone,
	"published_by" uuid
);
--> statement-breakpoint
ALTER TABLE "queue_items" ALTER COLUMN "completeness_deadline" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "queue_items" ALTER COLUMN "due_date" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "rectifications" ALTER COLUMN "deadline" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "calendar_years" ADD CONSTRAINT "calendar_years_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- An application whose due date is unknown (its calendar year not entered, docs/decisions/0028)
-- is still open and counted on the desk: its tally sits under 'infinity', never overdue, and moves
-- to the real date when the year's publication counts it (an UPDATE of due_date, as before).
CREATE OR REPLACE FUNCTION desk_tally_add(o text, s text, d text, sc text, due date, delta integer) RETURNS void AS $$
BEGIN
  IF o IS NULL OR s NOT IN ('submitted','under_review','needs_supplement','supplemented','accepted') THEN
    RETURN;
  END IF;
  due := coalesce(due, 'infinity'::date);
  IF delta > 0 THEN
    INSERT INTO desk_tallies (office_code, status, department, service_code, due_date, n) VALUES (o, s, d, sc, due, delta)
      ON CONFLICT (office_code, status, department, service_code, due_date) DO UPDATE SET n = desk_tallies.n + delta;
  ELSE
    UPDATE desk_tallies SET n = n + delta
      WHERE office_code = o AND status = s AND department = d AND service_code = sc AND due_date = due;
    DELETE FROM desk_tallies
      WHERE office_code = o AND status = s AND department = d AND service_code = sc AND due_date = due AND n <= 0;
  END IF;
END;
$$ LANGUAGE plpgsql;
