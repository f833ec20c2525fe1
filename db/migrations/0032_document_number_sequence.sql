CREATE SEQUENCE "public"."document_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
-- Documents issued before this migration were numbered per office, year and kind from 1: the
-- sequence starts past the highest serial any of them used, so no new number repeats an old one.
SELECT setval('document_number_seq', (SELECT coalesce(max("last"), 0) + 1 FROM "document_counters"), false);--> statement-breakpoint
DROP TABLE "document_counters" CASCADE;
