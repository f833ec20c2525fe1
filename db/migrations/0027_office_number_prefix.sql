ALTER TABLE "offices" ADD COLUMN "number_prefix" text;--> statement-breakpoint
-- Unique across offices (a number's prefix names its office), and of the shape
-- services/applications/numbers.ts and services/validation/ids.ts rely on: a letter first and
-- last, so a number splits into prefix, China day and sequence one way only. 'GA' is the default
-- every office without a prefix of its own shares, so it is no office's own.
CREATE UNIQUE INDEX "offices_number_prefix_uq" ON "offices" USING btree ("number_prefix");--> statement-breakpoint
ALTER TABLE "offices" ADD CONSTRAINT "offices_number_prefix_shape" CHECK ("number_prefix" ~ '^[A-Z][A-Z0-9]{0,4}[A-Z]$' AND "number_prefix" <> 'GA');
