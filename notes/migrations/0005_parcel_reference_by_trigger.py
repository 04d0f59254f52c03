"""The parcel reference without a database foreign key: parcels become
partitioned by agency (parcels 0007), whose constraint triggers check it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notes', '0004_official_note'),
        ('parcels', '0006_parcels_revision'),
    ]

    operations = [
        migrations.AlterField(
            model_name='note',
            name='parcel',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='notes', to='parcels.parcel', verbose_name='parcel'),
        ),
    ]
