"""Parcels retired by an import of the agency's cadastre that no longer holds
them, kept for what cites them."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('parcels', '0004_address_search'),
    ]

    operations = [
        migrations.AddField(
            model_name='parcel',
            name='retired_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='retired on'),
        ),
    ]
