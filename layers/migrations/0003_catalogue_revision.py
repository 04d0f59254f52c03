"""A revision number PostgreSQL bumps whenever what is published may change.

Caches of the published catalogue (the OGC services' layer list) compare it
with one cheap query instead of fingerprinting five tables per request. The
triggers are per statement, so an import of thousands of features bumps it
at most a few times (features themselves are not watched: a version's
features never change once it is published). The update is transactional:
a reader sees the new number only with the data that caused it; the number
comes from a sequence, so a rolled-back change never hands out a number that
a later, different change also gets.

It is a plain table, not a model: test flushes (TRUNCATE of the models'
tables) must leave its one row in place — and they bump it.
"""

from django.db import migrations

WATCHED = (
    "layers_agency",
    "layers_planningdocument",
    "layers_layer",
    "layers_layerversion",
    "layers_zonerule",
)

CREATE = [
    """
    CREATE SEQUENCE layers_catalogue_revision_seq;
    CREATE TABLE layers_catalogue_revision (revision bigint NOT NULL);
    INSERT INTO layers_catalogue_revision
    VALUES (nextval('layers_catalogue_revision_seq'));
    CREATE FUNCTION layers_bump_catalogue_revision() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE layers_catalogue_revision
            SET revision = nextval('layers_catalogue_revision_seq');
        RETURN NULL;
    END
    $$;
    """,
    *(
        f"""
        CREATE TRIGGER {table}_catalogue_revision
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION layers_bump_catalogue_revision();
        """
        for table in WATCHED
    ),
]

DROP = [
    *(f"DROP TRIGGER {table}_catalogue_revision ON {table};" for table in WATCHED),
    "DROP FUNCTION layers_bump_catalogue_revision();",
    "DROP TABLE layers_catalogue_revision;",
    "DROP SEQUENCE layers_catalogue_revision_seq;",
]


class Migration(migrations.Migration):
    dependencies = [("layers", "0002_importjob")]

    operations = [migrations.RunSQL(CREATE, DROP)]
