ALTER TABLE "decisions" ADD COLUMN "carrier" text;--> statement-breakpoint
ALTER TABLE "decisions" ADD COLUMN "waybill" text;