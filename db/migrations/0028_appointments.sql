CREATE TABLE "appointment_settings" (
	"office_code" text PRIMARY KEY NOT NULL,
	"seats_per_slot" integer NOT NULL,
	"days_ahead" integer DEFAULT 10 NOT NULL,
	CONSTRAINT "appointment_settings_positive" CHECK ("appointment_settings"."seats_per_slot" > 0 and "appointment_settings"."days_ahead" between 1 and 60)
);
--> statement-breakpoint
CREATE TABLE "appointment_slots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"office_code" text NOT NULL,
	"day" date NOT NULL,
	"start_time" text NOT NULL,
	"capacity" integer NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "appointment_slots_booked_range" CHECK ("appointment_slots"."booked" >= 0 and "appointment_slots"."booked" <= "appointment_slots"."capacity")
);
--> statement-breakpoint
CREATE TABLE "appointments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"application_id" uuid NOT NULL,
	"office_code" text NOT NULL,
	"slot_id" bigint NOT NULL,
	"day" date NOT NULL,
	"start_time" text NOT NULL,
	"status" text NOT NULL,
	"reschedules" integer DEFAULT 0 NOT NULL,
	"booked_by" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"marked_by" uuid
);
--> statement-breakpoint
ALTER TABLE "appointment_settings" ADD CONSTRAINT "appointment_settings_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointment_slots" ADD CONSTRAINT "appointment_slots_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_slot_id_appointment_slots_id_fk" FOREIGN KEY ("slot_id") REFERENCES "public"."appointment_slots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_booked_by_users_id_fk" FOREIGN KEY ("booked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_marked_by_users_id_fk" FOREIGN KEY ("marked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "appointment_slots_office_day_time_uq" ON "appointment_slots" USING btree ("office_code","day","start_time");--> statement-breakpoint
CREATE UNIQUE INDEX "appointments_one_booked_uq" ON "appointments" USING btree ("application_id") WHERE status = 'booked';--> statement-breakpoint
CREATE INDEX "appointments_application_idx" ON "appointments" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "appointments_office_day_idx" ON "appointments" USING btree ("office_code","day","start_time");