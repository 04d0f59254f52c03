"""The database refuses to change what an issued note states.

Only ``parcel_id`` may change (set to NULL when the parcel is deleted); every
other column of an issued note is frozen.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION notes_note_refuse_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.reference, NEW.token, NEW.agency_id, NEW.kind, NEW.geom, NEW.as_of,
      NEW.language, NEW.snapshot, NEW.sha256, NEW.signature, NEW.key_id,
      NEW.issued_at)
     IS DISTINCT FROM
     (OLD.reference, OLD.token, OLD.agency_id, OLD.kind, OLD.geom, OLD.as_of,
      OLD.language, OLD.snapshot, OLD.sha256, OLD.signature, OLD.key_id,
      OLD.issued_at)
  THEN
    RAISE EXCEPTION 'an issued note cannot be changed (%)', OLD.reference
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER notes_note_immutable
  BEFORE UPDATE ON notes_note
  FOR EACH ROW EXECUTE FUNCTION notes_note_refuse_update();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS notes_note_immutable ON notes_note;
DROP FUNCTION IF EXISTS notes_note_refuse_update();
"""


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
