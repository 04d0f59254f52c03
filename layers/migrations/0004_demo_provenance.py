"""Mark the rows the demo loader made, so that a reload changes those only.

Rows loaded before this migration are recognised as the old loader wrote them:
in the agency ``demo-rabat``, versions whose report says ``"source":
"data/demo"`` and that no person created, published or restored; the layers
holding such versions; the documents holding such layers and their rules.
Everything else stays a person's work.
"""

import django.db.models.deletion
from django.db import migrations, models


MARK_LEGACY_DEMO_ROWS = """
UPDATE layers_layerversion v SET from_demo_data = true
FROM layers_layer l
JOIN layers_planningdocument d ON d.id = l.document_id
JOIN layers_agency a ON a.id = d.agency_id
WHERE v.layer_id = l.id AND a.code = 'demo-rabat'
  AND v.report ->> 'source' = 'data/demo'
  AND v.restored_from_id IS NULL
  AND v.created_by_id IS NULL
  AND v.published_by_id IS NULL;
UPDATE layers_layer l SET from_demo_data = true
WHERE EXISTS (
  SELECT 1 FROM layers_layerversion v WHERE v.layer_id = l.id AND v.from_demo_data
);
UPDATE layers_planningdocument d SET from_demo_data = true
WHERE EXISTS (
  SELECT 1 FROM layers_layer l WHERE l.document_id = d.id AND l.from_demo_data
);
UPDATE layers_zonerule r SET from_demo_data = true
FROM layers_planningdocument d
WHERE d.id = r.document_id AND d.from_demo_data;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('layers', '0003_catalogue_revision'),
    ]

    operations = [
        migrations.AddField(
            model_name='layer',
            name='from_demo_data',
            field=models.BooleanField(db_default=False, default=False, editable=False, help_text='Made by manage.py load_demo, which may refresh or remove it.', verbose_name='from the demo data'),
        ),
        migrations.AddField(
            model_name='layerversion',
            name='from_demo_data',
            field=models.BooleanField(db_default=False, default=False, editable=False, help_text='Made by manage.py load_demo, which may refresh or remove it.', verbose_name='from the demo data'),
        ),
        migrations.AddField(
            model_name='planningdocument',
            name='from_demo_data',
            field=models.BooleanField(db_default=False, default=False, editable=False, help_text='Made by manage.py load_demo, which may refresh or remove it.', verbose_name='from the demo data'),
        ),
        migrations.AddField(
            model_name='zonerule',
            name='from_demo_data',
            field=models.BooleanField(db_default=False, default=False, editable=False, help_text='Made by manage.py load_demo, which may refresh or remove it.', verbose_name='from the demo data'),
        ),
        migrations.CreateModel(
            name='DemoDataset',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the demo data')),
                ('parcels_sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256 of the demo parcels')),
                ('loaded_at', models.DateTimeField(verbose_name='loaded')),
                ('agency', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='demo_dataset', to='layers.agency', verbose_name='agency')),
            ],
            options={
                'verbose_name': 'demo data set',
                'verbose_name_plural': 'demo data sets',
            },
        ),
        migrations.RunSQL(MARK_LEGACY_DEMO_ROWS, migrations.RunSQL.noop),
    ]
