CREATE TABLE "item_offerings" (
	"service_code" text NOT NULL,
	"office_code" text NOT NULL,
	"offered" boolean NOT NULL,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "item_offerings_service_code_office_code_pk" PRIMARY KEY("service_code","office_code")
);
--> statement-breakpoint
CREATE TABLE "item_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_code" text NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"effective_from" date,
	"facts" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" uuid,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "item_version_id" uuid;--> statement-breakpoint
ALTER TABLE "item_offerings" ADD CONSTRAINT "item_offerings_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_offerings" ADD CONSTRAINT "item_offerings_changed_by_users_id_fk" FOREIGN KEY ("changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_versions" ADD CONSTRAINT "item_versions_published_by_users_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "item_offerings_office_idx" ON "item_offerings" USING btree ("office_code");--> statement-breakpoint
CREATE UNIQUE INDEX "item_versions_code_version_idx" ON "item_versions" USING btree ("service_code","version");--> statement-breakpoint
CREATE UNIQUE INDEX "item_versions_one_draft_idx" ON "item_versions" USING btree ("service_code") WHERE status = 'draft';--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_item_version_id_item_versions_id_fk" FOREIGN KEY ("item_version_id") REFERENCES "public"."item_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- A published version of an item is never edited (docs/decisions/0036): UPDATE and DELETE of a
-- published row fail for every role the app uses, as the audit trail's do; a draft may be edited,
-- published (the one UPDATE that turns it published) or discarded.
CREATE OR REPLACE FUNCTION item_versions_published_immutable() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'published' THEN
    RAISE EXCEPTION 'a published item version cannot be changed, only superseded' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER item_versions_published_no_update BEFORE UPDATE OR DELETE ON item_versions
  FOR EACH ROW EXECUTE FUNCTION item_versions_published_immutable();
