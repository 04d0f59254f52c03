"""An order may name the parcel it is about (an official note's)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('parcels', '0004_address_search'),
        ('payments', '0003_cash_second_agent'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='parcel',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='parcels.parcel', verbose_name='parcel'),
        ),
    ]
