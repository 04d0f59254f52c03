"""Addresses folded as the search box compares them (``layers.search``), stored
and indexed by trigrams."""

import django.contrib.postgres.indexes
import layers.search
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('layers', '0012_search_fold'),
        ('parcels', '0003_parcel_agency_newest'),
    ]

    operations = [
        migrations.AddField(
            model_name='parcel',
            name='address_folded',
            field=models.GeneratedField(db_persist=True, expression=layers.search.Fold('address'), output_field=models.TextField()),
        ),
        migrations.AddIndex(
            model_name='parcel',
            index=django.contrib.postgres.indexes.GinIndex(fields=['address_folded'], name='parcel_address_folded', opclasses=['gin_trgm_ops']),
        ),
    ]
