ALTER TABLE "report_daily" ADD COLUMN "completed_zero_visits" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_daily" ADD COLUMN "completed_at_most_one_visit" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_monthly" ADD COLUMN "completed_zero_visits" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "report_monthly" ADD COLUMN "completed_at_most_one_visit" integer DEFAULT 0 NOT NULL;