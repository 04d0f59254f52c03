"""Mark the parcels the demo loader made (see layers 0004).

The old loader created the parcels of ``demo-rabat`` in the transaction that
created its demo versions, so within minutes of them; parcels imported later
by people are left unmarked.
"""

from django.db import migrations, models


MARK_LEGACY_DEMO_PARCELS = """
UPDATE parcels_parcel p SET from_demo_data = true
FROM layers_agency a
WHERE a.id = p.agency_id AND a.code = 'demo-rabat'
  AND p.created_at <= (
    SELECT max(v.created_at) + interval '10 minutes'
    FROM layers_layerversion v
    JOIN layers_layer l ON l.id = v.layer_id
    JOIN layers_planningdocument d ON d.id = l.document_id
    WHERE d.agency_id = a.id AND v.from_demo_data
  );
"""


class Migration(migrations.Migration):

    dependencies = [
        ('parcels', '0001_initial'),
        ('layers', '0004_demo_provenance'),
    ]

    operations = [
        migrations.AddField(
            model_name='parcel',
            name='from_demo_data',
            field=models.BooleanField(db_default=False, default=False, editable=False, help_text='Made by manage.py load_demo, which may refresh or remove it.', verbose_name='from the demo data'),
        ),
        migrations.RunSQL(MARK_LEGACY_DEMO_PARCELS, migrations.RunSQL.noop),
    ]
