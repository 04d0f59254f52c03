"""The catalogue revision (``layers/0003``) moves when the library's texts or
articles change too.

Notes quote the articles their zones' rules cite; ``notes.planning`` keeps
them per process against that revision, so an imported amendment must reach
the next note at once. Imports are rare (national administrators): the other
caches of the revision reloading then costs little.
"""

from django.db import migrations

TABLES = ("library_text", "library_article")


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0003_procedures"),
        ("layers", "0003_catalogue_revision"),
    ]

    operations = [
        migrations.RunSQL(
            f"""
            CREATE TRIGGER {table}_catalogue_revision
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION layers_bump_catalogue_revision();
            """,
            f"DROP TRIGGER {table}_catalogue_revision ON {table};",
        )
        for table in TABLES
    ]
