"""History cannot be deleted or rewritten: PostgreSQL refuses it, not only the pages.

- A published or superseded layer version, or one another version was restored
  from, cannot be deleted; its columns cannot change, except for the one
  transition publishing makes: published → superseded, closing ``valid_to``.
  (A version an issued note cites is kept by the note's link, which the notes
  app protects: migration notes/0003.)
- The features of a version that is not a draft cannot be inserted, changed or
  deleted (statement triggers over transition tables: one check per import
  statement, not one per feature).
- Drafts stay free to change and to delete.

The one way around, for throw-away data only (the demo agency, benchmarks), is
a deliberate ``SET LOCAL geoportail.history_purge = 'on'`` in the transaction
(``layers.history.history_purge``). TRUNCATE, which only the database owner may
run (test flushes), is not watched.

Who published a version is part of it: deleting that user is refused
(``PROTECT``); deactivate the account instead.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import layers.models

FORWARD = """
CREATE FUNCTION geoportail_history_purging() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('geoportail.history_purge', true), '') = 'on'
$$;

CREATE FUNCTION layers_layerversion_protect() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  free constant text[] := ARRAY['status', 'valid_to', 'created_by_id'];
BEGIN
  IF geoportail_history_purging() THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'layer version % is %: history cannot be deleted',
        OLD.id, OLD.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM layers_layerversion
               WHERE restored_from_id = OLD.id) THEN
      RAISE EXCEPTION 'layer version % was restored: it cannot be deleted',
        OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'draft' THEN
    RETURN NEW;  -- a draft changes freely, publication included
  END IF;
  IF (to_jsonb(NEW) - free) IS DISTINCT FROM (to_jsonb(OLD) - free)
     OR (NEW.status, NEW.valid_to) IS DISTINCT FROM (OLD.status, OLD.valid_to)
        AND NOT (OLD.status = 'published' AND NEW.status = 'superseded'
                 AND OLD.valid_to IS NULL AND NEW.valid_to IS NOT NULL)
  THEN
    RAISE EXCEPTION 'layer version % is %: history cannot be changed',
      OLD.id, OLD.status USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER layers_layerversion_history
  BEFORE UPDATE OR DELETE ON layers_layerversion
  FOR EACH ROW EXECUTE FUNCTION layers_layerversion_protect();

CREATE FUNCTION layers_feature_protect() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  frozen bigint;
BEGIN
  IF geoportail_history_purging() THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT v.id INTO frozen
      FROM (SELECT DISTINCT version_id FROM new_rows) AS c
      JOIN layers_layerversion v ON v.id = c.version_id
     WHERE v.status <> 'draft' LIMIT 1;
  ELSE
    SELECT v.id INTO frozen
      FROM (SELECT DISTINCT version_id FROM old_rows) AS c
      JOIN layers_layerversion v ON v.id = c.version_id
     WHERE v.status <> 'draft' LIMIT 1;
    IF frozen IS NULL AND TG_OP = 'UPDATE' THEN
      SELECT v.id INTO frozen
        FROM (SELECT DISTINCT version_id FROM new_rows) AS c
        JOIN layers_layerversion v ON v.id = c.version_id
       WHERE v.status <> 'draft' LIMIT 1;
    END IF;
  END IF;
  IF frozen IS NOT NULL THEN
    RAISE EXCEPTION 'the features of layer version % are history: they cannot '
      'be changed', frozen USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER layers_feature_history_insert
  AFTER INSERT ON layers_feature REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION layers_feature_protect();
CREATE TRIGGER layers_feature_history_update
  AFTER UPDATE ON layers_feature
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION layers_feature_protect();
CREATE TRIGGER layers_feature_history_delete
  AFTER DELETE ON layers_feature REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION layers_feature_protect();
"""

BACKWARD = """
DROP TRIGGER layers_feature_history_delete ON layers_feature;
DROP TRIGGER layers_feature_history_update ON layers_feature;
DROP TRIGGER layers_feature_history_insert ON layers_feature;
DROP FUNCTION layers_feature_protect();
DROP TRIGGER layers_layerversion_history ON layers_layerversion;
DROP FUNCTION layers_layerversion_protect();
DROP FUNCTION geoportail_history_purging();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("layers", "0004_demo_provenance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="layerversion",
            name="layer",
            field=models.ForeignKey(
                on_delete=layers.models.protect_history,
                related_name="versions",
                to="layers.layer",
                verbose_name="layer",
            ),
        ),
        migrations.AlterField(
            model_name="layerversion",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="published by",
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
