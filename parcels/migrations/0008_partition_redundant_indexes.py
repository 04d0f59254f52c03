"""Two parcel indexes fewer, redundant once parcels are partitioned by agency
(0007): ``(agency_id)`` alone (the unique ``(agency_id, reference_key)`` leads
with it) and ``(agency_id, id)`` (an agency's newest parcel, the tiles' stamp
before the parcels' revision of 0006; no query reads it since, and the primary
key ``(id, agency_id)`` of the agency's partition would). Each cost every
import its upkeep, and a first import its build."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('layers', '0016_zone_rule_citations'),
        ('parcels', '0007_partition_by_agency'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='parcel',
            name='parcel_agency_newest',
        ),
        migrations.AlterField(
            model_name='parcel',
            name='agency',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='parcels', to='layers.agency', verbose_name='agency'),
        ),
    ]
