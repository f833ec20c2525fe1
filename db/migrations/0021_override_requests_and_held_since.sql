CREATE TABLE "override_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"application_id" uuid NOT NULL,
	"office_code" text NOT NULL,
	"requested_by" uuid NOT NULL,
	"reason" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"decision_reason" text,
	"override_id" uuid
);
--> statement-breakpoint
ALTER TABLE "queue_items" ADD COLUMN "held_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "override_requests" ADD CONSTRAINT "override_requests_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "override_requests" ADD CONSTRAINT "override_requests_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "override_requests" ADD CONSTRAINT "override_requests_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "override_requests" ADD CONSTRAINT "override_requests_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "override_requests" ADD CONSTRAINT "override_requests_override_id_notice_overrides_id_fk" FOREIGN KEY ("override_id") REFERENCES "public"."notice_overrides"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "override_requests_pending_idx" ON "override_requests" USING btree ("office_code","requested_at") WHERE status = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "override_requests_one_pending_idx" ON "override_requests" USING btree ("application_id") WHERE status = 'pending';