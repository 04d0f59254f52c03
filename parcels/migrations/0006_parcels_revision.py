"""The parcels' revision per agency, kept by statement triggers.

Each statement that inserts, updates or deletes parcels bumps the revision of
every agency whose parcels it wrote, once, reading the statement's transition
table (PostgreSQL allows a transition table on a one-event trigger only:
three triggers, one function).
"""

import django.db.models.deletion
from django.db import migrations, models


TRIGGERS = """
CREATE FUNCTION parcels_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO parcels_parcelsrevision (agency_id, revision)
        SELECT DISTINCT agency_id, 1 FROM old_rows
        ON CONFLICT (agency_id)
        DO UPDATE SET revision = parcels_parcelsrevision.revision + 1;
    ELSE
        INSERT INTO parcels_parcelsrevision (agency_id, revision)
        SELECT DISTINCT agency_id, 1 FROM new_rows
        ON CONFLICT (agency_id)
        DO UPDATE SET revision = parcels_parcelsrevision.revision + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER parcels_revision_insert AFTER INSERT ON parcels_parcel
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION parcels_revision_bump();
CREATE TRIGGER parcels_revision_update AFTER UPDATE ON parcels_parcel
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION parcels_revision_bump();
CREATE TRIGGER parcels_revision_delete AFTER DELETE ON parcels_parcel
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION parcels_revision_bump();
"""

DROP = """
DROP TRIGGER parcels_revision_insert ON parcels_parcel;
DROP TRIGGER parcels_revision_update ON parcels_parcel;
DROP TRIGGER parcels_revision_delete ON parcels_parcel;
DROP FUNCTION parcels_revision_bump();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('layers', '0016_zone_rule_citations'),
        ('parcels', '0005_parcel_retired_at'),
    ]

    operations = [
        migrations.CreateModel(
            name='ParcelsRevision',
            fields=[
                ('agency', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, serialize=False, to='layers.agency')),
                ('revision', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunSQL(TRIGGERS, DROP),
    ]
