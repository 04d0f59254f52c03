"""An issued note and the versions it cites cannot be deleted (migration 0002
already refuses changing what a note states).

The link rows to the layer versions a note used cannot be changed or deleted
either; the foreign key from them then keeps those versions from being deleted.
Unlike layer versions, issued notes have no way around: not even the purge of
throw-away data (``geoportail.history_purge``, layers/0005) deletes them.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION notes_refuse_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'an issued note and what it cites cannot be changed or '
    'deleted (%)', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER notes_note_undeletable
  BEFORE DELETE ON notes_note
  FOR EACH ROW EXECUTE FUNCTION notes_refuse_delete();
CREATE TRIGGER notes_note_layer_versions_frozen
  BEFORE UPDATE OR DELETE ON notes_note_layer_versions
  FOR EACH ROW EXECUTE FUNCTION notes_refuse_delete();
"""

BACKWARD = """
DROP TRIGGER notes_note_layer_versions_frozen ON notes_note_layer_versions;
DROP TRIGGER notes_note_undeletable ON notes_note;
DROP FUNCTION notes_refuse_delete();
"""


class Migration(migrations.Migration):
    dependencies = [("notes", "0002_immutable_notes")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
