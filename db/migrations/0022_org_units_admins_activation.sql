CREATE TABLE "activation_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"used_at" timestamp with time zone,
	"pending_password_hash" text,
	"pending_secret" text,
	"pending_key_id" text
);
--> statement-breakpoint
CREATE TABLE "org_units" (
	"code" text PRIMARY KEY NOT NULL,
	"parent_code" text,
	"level" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "offices" ADD COLUMN "org_unit_code" text;--> statement-breakpoint
ALTER TABLE "offices" ADD COLUMN "name_zh" text;--> statement-breakpoint
ALTER TABLE "offices" ADD COLUMN "name_en" text;--> statement-breakpoint
ALTER TABLE "offices" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "offices" ADD COLUMN "hours" text;--> statement-breakpoint
ALTER TABLE "offices" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "org_unit_code" text;--> statement-breakpoint
ALTER TABLE "activation_codes" ADD CONSTRAINT "activation_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_units" ADD CONSTRAINT "org_units_parent_code_org_units_code_fk" FOREIGN KEY ("parent_code") REFERENCES "public"."org_units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activation_codes_user_idx" ON "activation_codes" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "org_units_parent_idx" ON "org_units" USING btree ("parent_code");--> statement-breakpoint
ALTER TABLE "offices" ADD CONSTRAINT "offices_org_unit_code_org_units_code_fk" FOREIGN KEY ("org_unit_code") REFERENCES "public"."org_units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_org_unit_code_org_units_code_fk" FOREIGN KEY ("org_unit_code") REFERENCES "public"."org_units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Existing offices join the hierarchy under their city's bureau: one province unit per 2-digit
-- prefix and one city unit per city code already in use; the seed then adds the district units
-- it knows and new offices are attached where an administrator puts them.
INSERT INTO "org_units" ("code", "parent_code", "level", "name_zh", "name_en")
SELECT DISTINCT left("city_code", 2), NULL::text, 'province',
  CASE left("city_code", 2) WHEN '11' THEN '北京市' WHEN '31' THEN '上海市' ELSE left("city_code", 2) END,
  CASE left("city_code", 2) WHEN '11' THEN 'Beijing' WHEN '31' THEN 'Shanghai' ELSE left("city_code", 2) END
FROM "offices"
ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "org_units" ("code", "parent_code", "level", "name_zh", "name_en")
SELECT DISTINCT "city_code", left("city_code", 2), 'city',
  CASE "city_code" WHEN '1101' THEN '北京市公安局' WHEN '3101' THEN '上海市公安局' ELSE "city_code" END,
  CASE "city_code" WHEN '1101' THEN 'Beijing Municipal Public Security Bureau' WHEN '3101' THEN 'Shanghai Municipal Public Security Bureau' ELSE "city_code" END
FROM "offices"
ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE "offices" SET "org_unit_code" = "city_code" WHERE "org_unit_code" IS NULL;--> statement-breakpoint
-- Only the national root administrator has no unit; the other roles ignore the column.
ALTER TABLE "activation_codes" ADD CONSTRAINT "activation_codes_attempts_nonnegative" CHECK ("attempts" >= 0);
