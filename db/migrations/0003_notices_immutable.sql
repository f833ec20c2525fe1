-- An issued one-time notice is a document: it cannot be edited or deleted afterwards.
CREATE OR REPLACE FUNCTION notices_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'notices are immutable once issued' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER notices_no_update BEFORE UPDATE OR DELETE ON notices
  FOR EACH ROW EXECUTE FUNCTION notices_immutable();
--> statement-breakpoint
CREATE TRIGGER notices_no_truncate BEFORE TRUNCATE ON notices
  FOR EACH STATEMENT EXECUTE FUNCTION notices_immutable();
