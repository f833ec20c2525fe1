ALTER TABLE "applications" ADD COLUMN "subject_relation" text;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "subject_name" text;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "subject_id_number" text;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "subject_user_id" uuid;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_subject_user_id_users_id_fk" FOREIGN KEY ("subject_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "applications_subject_user_idx" ON "applications" USING btree ("subject_user_id");