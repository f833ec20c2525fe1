ALTER TABLE "material_verdicts" ADD COLUMN "file_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "notices" ADD COLUMN "file_snapshot" jsonb NOT NULL;