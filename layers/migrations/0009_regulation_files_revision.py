"""The catalogue revision (0003) moves when regulation files change too.

The notes keep what an agency's documents say, their regulation files
included, per process against that revision (``notes.planning``): a file added,
renamed or removed must reach the next note at once.
"""

from django.db import migrations

TABLE = "layers_regulationfile"


class Migration(migrations.Migration):
    dependencies = [("layers", "0008_feature_version_geom")]

    operations = [
        migrations.RunSQL(
            f"""
            CREATE TRIGGER {TABLE}_catalogue_revision
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE}
            FOR EACH STATEMENT EXECUTE FUNCTION layers_bump_catalogue_revision();
            """,
            f"DROP TRIGGER {TABLE}_catalogue_revision ON {TABLE};",
        ),
    ]
