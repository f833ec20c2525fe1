CREATE TABLE "result_handovers" (
	"application_id" uuid PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "shipment_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"shipment_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"code" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"location" text,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"application_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"carrier" text,
	"waybill" text,
	"created_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"next_poll_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "result_handovers" ADD CONSTRAINT "result_handovers_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_events" ADD CONSTRAINT "shipment_events_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "result_handovers_channel_idx" ON "result_handovers" USING btree ("channel","received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "shipment_events_event_uq" ON "shipment_events" USING btree ("shipment_id","event_id");--> statement-breakpoint
CREATE INDEX "shipment_events_at_idx" ON "shipment_events" USING btree ("shipment_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "shipments_application_uq" ON "shipments" USING btree ("application_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shipments_idempotency_uq" ON "shipments" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "shipments_waybill_uq" ON "shipments" USING btree ("carrier","waybill");--> statement-breakpoint
CREATE INDEX "shipments_due_idx" ON "shipments" USING btree ("status","next_attempt_at") WHERE status in ('pending','creating');--> statement-breakpoint
CREATE INDEX "shipments_poll_idx" ON "shipments" USING btree ("next_poll_at") WHERE next_poll_at is not null;