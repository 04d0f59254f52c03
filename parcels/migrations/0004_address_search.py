"""A trigram index on folded addresses (``layers.search``), for the search box."""

import django.contrib.postgres.indexes
import layers.search
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('layers', '0010_search_fold'),
        ('parcels', '0003_parcel_agency_newest'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='parcel',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(layers.search.Fold('address'), name='gin_trgm_ops'), name='parcel_address_folded'),
        ),
    ]
