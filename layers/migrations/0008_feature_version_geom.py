"""A GiST index on features (version_id, geom), btree_gist (migration 0001).

The note statements (``notes.sql`` IDENTIFY and COMPOSE) join the versions in
force to the features meeting a point or a parcel. With one index per column,
PostgreSQL estimated a version's features as table rows / versions and ANDed a
bitmap of all of them (50,000 for the benchmark agency) with the spatial index;
with this one it probes the version and the box together. Built in ≈ 1.4 s on
the benchmark database's 323,000 features (benchmarks/README.md).
"""

import django.contrib.postgres.indexes
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("layers", "0007_importjob_lease"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="feature",
            index=django.contrib.postgres.indexes.GistIndex(
                fields=["version", "geom"], name="feature_version_geom"
            ),
        ),
    ]
