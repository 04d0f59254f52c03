"""An official note names the paid order it was issued for; the order is
frozen with the rest of what the note states (0002's trigger, again with
``order_id``)."""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION notes_note_refuse_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.reference, NEW.token, NEW.agency_id, NEW.kind, NEW.geom, NEW.as_of,
      NEW.language, NEW.snapshot, NEW.sha256, NEW.signature, NEW.key_id,
      NEW.issued_at, NEW.order_id)
     IS DISTINCT FROM
     (OLD.reference, OLD.token, OLD.agency_id, OLD.kind, OLD.geom, OLD.as_of,
      OLD.language, OLD.snapshot, OLD.sha256, OLD.signature, OLD.key_id,
      OLD.issued_at, OLD.order_id)
  THEN
    RAISE EXCEPTION 'an issued note cannot be changed (%)', OLD.reference
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END;
$$;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION notes_note_refuse_update() RETURNS trigger
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
"""


class Migration(migrations.Migration):

    dependencies = [
        ('notes', '0003_history_protection'),
        ('payments', '0003_cash_second_agent'),
    ]

    operations = [
        migrations.AddField(
            model_name='note',
            name='order',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='payments.order', verbose_name='order'),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
