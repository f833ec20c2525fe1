CREATE TABLE "desk_tallies" (
	"office_code" text NOT NULL,
	"status" text NOT NULL,
	"department" text NOT NULL,
	"service_code" text NOT NULL,
	"due_date" date NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "desk_tallies_office_code_status_department_service_code_due_date_pk" PRIMARY KEY("office_code","status","department","service_code","due_date")
);
--> statement-breakpoint
DROP INDEX "queue_items_waiting_idx";--> statement-breakpoint
CREATE INDEX "users_real_name_prefix_idx" ON "users" USING btree ("real_name" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "queue_items_desk_work_idx" ON "queue_items" USING btree ("office_code","front_of_queue","completeness_deadline","due_date","priority" DESC NULLS FIRST,"received_at","id","department","service_code") WHERE state in ('waiting','claimed');--> statement-breakpoint
CREATE INDEX "queue_items_desk_parked_idx" ON "queue_items" USING btree ("office_code","front_of_queue","completeness_deadline","due_date","priority" DESC NULLS FIRST,"received_at","id","department","service_code") WHERE state = 'parked';--> statement-breakpoint
CREATE INDEX "queue_items_waiting_idx" ON "queue_items" USING btree ("office_code","front_of_queue","completeness_deadline","due_date","priority" DESC NULLS FIRST,"received_at","id") WHERE state = 'waiting';--> statement-breakpoint
-- The desk's counts (db/schema/desk.ts): the trigger keeps desk_tallies in the transaction of
-- every change to an application that moves it between tallies — filed, a status change, a
-- transfer to another office, a new due date. Only open statuses are tallied (the same list as
-- services/queue/desk.ts). When a change leaves one tally for another, the two rows are touched
-- in key order, so two transactions never wait for each other's rows in opposite orders.
CREATE OR REPLACE FUNCTION desk_tally_add(o text, s text, d text, sc text, due date, delta integer) RETURNS void AS $$
BEGIN
  IF o IS NULL OR due IS NULL OR s NOT IN ('submitted','under_review','needs_supplement','supplemented','accepted') THEN
    RETURN;
  END IF;
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
--> statement-breakpoint
CREATE OR REPLACE FUNCTION desk_tally() RETURNS trigger AS $$
DECLARE
  old_key text;
  new_key text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM desk_tally_add(NEW.office_code, NEW.status, NEW.department, NEW.service_code, NEW.due_date, 1);
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    PERFORM desk_tally_add(OLD.office_code, OLD.status, OLD.department, OLD.service_code, OLD.due_date, -1);
    RETURN NULL;
  END IF;
  IF (OLD.office_code, OLD.status, OLD.department, OLD.service_code, OLD.due_date)
     IS NOT DISTINCT FROM (NEW.office_code, NEW.status, NEW.department, NEW.service_code, NEW.due_date) THEN
    RETURN NULL;
  END IF;
  old_key := concat_ws(E'\x1f', OLD.office_code, OLD.status, OLD.department, OLD.service_code, OLD.due_date);
  new_key := concat_ws(E'\x1f', NEW.office_code, NEW.status, NEW.department, NEW.service_code, NEW.due_date);
  IF old_key < new_key THEN
    PERFORM desk_tally_add(OLD.office_code, OLD.status, OLD.department, OLD.service_code, OLD.due_date, -1);
    PERFORM desk_tally_add(NEW.office_code, NEW.status, NEW.department, NEW.service_code, NEW.due_date, 1);
  ELSE
    PERFORM desk_tally_add(NEW.office_code, NEW.status, NEW.department, NEW.service_code, NEW.due_date, 1);
    PERFORM desk_tally_add(OLD.office_code, OLD.status, OLD.department, OLD.service_code, OLD.due_date, -1);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER applications_desk_tally AFTER INSERT OR DELETE OR UPDATE OF office_code, status, department, service_code, due_date ON applications
  FOR EACH ROW EXECUTE FUNCTION desk_tally();
--> statement-breakpoint
-- What is open already.
INSERT INTO desk_tallies (office_code, status, department, service_code, due_date, n)
  SELECT office_code, status, department, service_code, due_date, count(*)::int
  FROM applications
  WHERE office_code IS NOT NULL AND due_date IS NOT NULL
    AND status IN ('submitted','under_review','needs_supplement','supplemented','accepted')
  GROUP BY 1, 2, 3, 4, 5;
