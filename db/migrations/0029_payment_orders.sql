CREATE TABLE "payment_mismatches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"statement_day" date NOT NULL,
	"order_no" text NOT NULL,
	"entry" text NOT NULL,
	"kind" text NOT NULL,
	"ours_fen" integer,
	"theirs_fen" integer,
	"office_code" text,
	"detected_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_no" text NOT NULL,
	"application_id" uuid NOT NULL,
	"office_code" text NOT NULL,
	"service_code" text NOT NULL,
	"status" text NOT NULL,
	"amount_fen" integer NOT NULL,
	"lines" jsonb NOT NULL,
	"platform_order_id" text,
	"cashier_url" text,
	"invoice_url" text,
	"paid_at" timestamp with time zone,
	"paid_day" date,
	"refund_id" text,
	"refund_reason" text,
	"refund_requested_at" timestamp with time zone,
	"refunded_at" timestamp with time zone,
	"refunded_day" date,
	"refund_attempts" integer DEFAULT 0 NOT NULL,
	"mismatch" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "payment_orders_amount_positive" CHECK ("payment_orders"."amount_fen" > 0),
	CONSTRAINT "payment_orders_status" CHECK ("payment_orders"."status" in ('created', 'paid', 'cancelled', 'refund_requested', 'refunded'))
);
--> statement-breakpoint
CREATE TABLE "payment_reconciliations" (
	"statement_day" date PRIMARY KEY NOT NULL,
	"ran_at" timestamp with time zone NOT NULL,
	"entries" integer NOT NULL,
	"mismatches" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payment_orders" ADD CONSTRAINT "payment_orders_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_orders" ADD CONSTRAINT "payment_orders_office_code_offices_code_fk" FOREIGN KEY ("office_code") REFERENCES "public"."offices"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_mismatches_uq" ON "payment_mismatches" USING btree ("statement_day","order_no","entry","kind");--> statement-breakpoint
CREATE INDEX "payment_mismatches_day_idx" ON "payment_mismatches" USING btree ("statement_day");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_orders_order_no_uq" ON "payment_orders" USING btree ("order_no");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_orders_refund_id_uq" ON "payment_orders" USING btree ("refund_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payment_orders_one_open_uq" ON "payment_orders" USING btree ("application_id") WHERE "payment_orders"."status" <> 'cancelled';--> statement-breakpoint
CREATE INDEX "payment_orders_refund_due_idx" ON "payment_orders" USING btree ("refund_requested_at") WHERE "payment_orders"."status" = 'refund_requested';--> statement-breakpoint
CREATE INDEX "payment_orders_paid_day_idx" ON "payment_orders" USING btree ("paid_day");--> statement-breakpoint
CREATE INDEX "payment_orders_refunded_day_idx" ON "payment_orders" USING btree ("refunded_day");