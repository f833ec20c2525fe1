ALTER TABLE "applications" ADD COLUMN "supplement_deadline" date;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "supplement_reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "overdue_flagged_due" date;--> statement-breakpoint
-- Applications notified before this migration carry their latest notice's deadline, so the
-- deemed-acceptance sweep leaves them alone and the supplement sweeps see them.
UPDATE "applications" a SET "supplement_deadline" = n."supplement_deadline"
  FROM (SELECT DISTINCT ON ("application_id") "application_id", "supplement_deadline" FROM "notices" ORDER BY "application_id", "sequence" DESC) n
 WHERE n."application_id" = a."id";--> statement-breakpoint
CREATE INDEX "applications_deemed_due_idx" ON "applications" USING btree ("completeness_deadline") WHERE status in ('submitted','under_review') and supplement_deadline is null;--> statement-breakpoint
CREATE INDEX "applications_supplement_due_idx" ON "applications" USING btree ("supplement_deadline") WHERE status = 'needs_supplement';--> statement-breakpoint
CREATE INDEX "applications_reminder_due_idx" ON "applications" USING btree ("supplement_deadline") WHERE status = 'needs_supplement' and supplement_reminded_at is null;--> statement-breakpoint
CREATE INDEX "applications_overdue_due_idx" ON "applications" USING btree ("due_date") WHERE status in ('submitted','under_review','supplemented','accepted') and overdue_flagged_due is distinct from due_date;