CREATE TABLE "decision_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"application_id" uuid NOT NULL,
	"decision_id" uuid,
	"kind" text NOT NULL,
	"office_code" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"issue_date" date NOT NULL,
	"facts" jsonb NOT NULL,
	"content" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "document_counters" (
	"office_code" text NOT NULL,
	"year" integer NOT NULL,
	"kind" text NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "document_counters_office_code_year_kind_pk" PRIMARY KEY("office_code","year","kind")
);
--> statement-breakpoint
ALTER TABLE "decision_documents" ADD CONSTRAINT "decision_documents_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decision_documents" ADD CONSTRAINT "decision_documents_decision_id_decisions_id_fk" FOREIGN KEY ("decision_id") REFERENCES "public"."decisions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decision_documents" ADD CONSTRAINT "decision_documents_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_counters" ADD CONSTRAINT "document_counters_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "decision_documents_number_uq" ON "decision_documents" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "decision_documents_app_kind_uq" ON "decision_documents" USING btree ("application_id","kind");--> statement-breakpoint
-- An issued decision document cannot be edited or deleted afterwards (as notices and the audit trail).
CREATE OR REPLACE FUNCTION decision_documents_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'decision documents are immutable once issued' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER decision_documents_no_update BEFORE UPDATE OR DELETE ON decision_documents
  FOR EACH ROW EXECUTE FUNCTION decision_documents_immutable();
--> statement-breakpoint
CREATE TRIGGER decision_documents_no_truncate BEFORE TRUNCATE ON decision_documents
  FOR EACH STATEMENT EXECUTE FUNCTION decision_documents_immutable();
