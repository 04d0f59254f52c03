"""The database keeps the registry: an issued document is never deleted, and
the only change it allows is one move of the status.

A valid document may become revoked or superseded once, with its reason,
successor, time and author; every other column — the identifier, the key
data, the signature, the PDF and its hash — is frozen from the insert on. No
way around: not even the purge of throw-away data (``geoportail.history_purge``)
reaches it.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION documents_issueddocument_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'an issued document cannot be deleted (%)', OLD.identifier
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF (NEW.identifier, NEW.kind, NEW.subject_type, NEW.subject_reference,
      NEW.language, NEW.template_version, NEW.agency_id, NEW.key_id,
      NEW.issued_at, NEW.valid_until, NEW.pdf, NEW.pdf_sha256,
      NEW.content_sha256, NEW.key_data, NEW.signature)
     IS DISTINCT FROM
     (OLD.identifier, OLD.kind, OLD.subject_type, OLD.subject_reference,
      OLD.language, OLD.template_version, OLD.agency_id, OLD.key_id,
      OLD.issued_at, OLD.valid_until, OLD.pdf, OLD.pdf_sha256,
      OLD.content_sha256, OLD.key_data, OLD.signature)
  THEN
    RAISE EXCEPTION 'an issued document cannot be changed (%)', OLD.identifier
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF (NEW.status, NEW.reason, NEW.successor_id, NEW.status_changed_at,
      NEW.status_changed_by_id)
     IS DISTINCT FROM
     (OLD.status, OLD.reason, OLD.successor_id, OLD.status_changed_at,
      OLD.status_changed_by_id)
     AND NOT (OLD.status = 'valid' AND NEW.status IN ('revoked', 'superseded'))
  THEN
    RAISE EXCEPTION 'a % document keeps its status (%)', OLD.status, OLD.identifier
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER documents_issueddocument_kept
  BEFORE UPDATE OR DELETE ON documents_issueddocument
  FOR EACH ROW EXECUTE FUNCTION documents_issueddocument_guard();
"""

BACKWARD = """
DROP TRIGGER documents_issueddocument_kept ON documents_issueddocument;
DROP FUNCTION documents_issueddocument_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
