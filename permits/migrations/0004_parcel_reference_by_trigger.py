"""The parcel reference without a database foreign key: parcels become
partitioned by agency (parcels 0007), whose constraint triggers check it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('parcels', '0006_parcels_revision'),
        ('permits', '0003_session_origin'),
    ]

    operations = [
        migrations.AlterField(
            model_name='permitparcel',
            name='parcel',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='parcels.parcel', verbose_name='parcel'),
        ),
    ]
