CREATE TABLE "appointment_day_capacity" (
	"office_code" text NOT NULL,
	"day" date NOT NULL,
	"windows" integer NOT NULL,
	"per_window" integer NOT NULL,
	"seats_per_slot" integer NOT NULL,
	CONSTRAINT "appointment_day_capacity_office_code_day_pk" PRIMARY KEY("office_code","day"),
	CONSTRAINT "appointment_day_capacity_figures" CHECK ("appointment_day_capacity"."windows" >= 0 and "appointment_day_capacity"."per_window" >= 1 and "appointment_day_capacity"."seats_per_slot" = "appointment_day_capacity"."windows" * "appointment_day_capacity"."per_window" and "appointment_day_capacity"."seats_per_slot" <= 500)
);
--> statement-breakpoint
ALTER TABLE "appointment_settings" ADD COLUMN "windows" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "appointment_settings" ADD COLUMN "per_window" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "appointment_day_capacity" ADD CONSTRAINT "appointment_day_capacity_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- An office's one figure becomes that many windows of one person each (docs/decisions/0039).
UPDATE "appointment_settings" SET "windows" = "seats_per_slot", "per_window" = 1;--> statement-breakpoint
ALTER TABLE "appointment_settings" ADD CONSTRAINT "appointment_settings_product" CHECK ("windows" >= 1 and "per_window" >= 1 and "seats_per_slot" = "windows" * "per_window");
