"""Parcels partitioned by agency (PostgreSQL declarative partitioning).

``parcels_parcel`` becomes ``PARTITION BY LIST (agency_id)``, one partition per
agency, named ``parcels_parcel_agency_<id>``: every parcel query names its
agency, so it reads one partition, and an agency's first import can be loaded
into a bare table and attached (``parcels.partitions``).

- No DEFAULT partition: a parcel of an agency without a partition is refused
  rather than hidden in a table every query and every ATTACH would have to
  scan. A trigger on ``layers_agency`` creates the partition of each new
  agency (and drops it, when empty, with the agency); ``parcels_partition_ensure``
  creates one on demand.
- A partitioned table's unique constraints must hold its partition key: the
  primary key is ``(id, agency_id)``. Django keeps ``id`` as the pk: ids come
  from one sequence (identity columns are not allowed on a partitioned table
  in PostgreSQL 15), so they stay unique.
- No foreign key can name ``parcels_parcel(id)`` alone any more: the notes,
  requests, permit files and orders that cite a parcel keep Django's
  ForeignKey without a database constraint (their migrations before this
  one), and constraint triggers enforce the reference instead, as the
  foreign keys did: deferred to the commit, the cited parcel's row locked
  ``FOR KEY SHARE``, and a parcel still cited can be neither deleted nor
  renumbered (moving it to another agency's partition keeps its id: allowed).
- The existing rows are moved, the indexes and the revision triggers (0006)
  made again on the partitioned table, under the same names.
"""

from django.db import migrations

COLUMNS = """id, kind, reference, reference_key, official_area_m2, address, geom,
created_at, agency_id, from_demo_data, retired_at"""

# Who cites a parcel (``parcel_id``): the four tables whose foreign keys the
# constraint triggers replace. A new one adds itself here, in a migration.
CITING = ("notes_note", "requete_citizenrequest", "permits_permitparcel", "payments_order")

INDEXES = """
ALTER TABLE parcels_parcel ADD CONSTRAINT parcels_parcel_pkey PRIMARY KEY (id, agency_id);
ALTER TABLE parcels_parcel ADD CONSTRAINT parcel_reference_unique
    UNIQUE (agency_id, reference_key);
ALTER TABLE parcels_parcel ADD CONSTRAINT parcels_parcel_agency_id_7f85d0fa_fk_layers_agency_id
    FOREIGN KEY (agency_id) REFERENCES layers_agency (id) DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX parcel_address_folded ON parcels_parcel
    USING gin (address_folded gin_trgm_ops);
CREATE INDEX parcel_agency_newest ON parcels_parcel (agency_id, id);
CREATE INDEX parcel_geom_3857 ON parcels_parcel USING gist (geom_3857);
CREATE INDEX parcel_reference_key ON parcels_parcel (reference_key);
CREATE INDEX parcels_parcel_agency_id_7f85d0fa ON parcels_parcel (agency_id);
CREATE INDEX parcels_parcel_geom_463966aa_id ON parcels_parcel USING gist (geom);
"""

REVISION_TRIGGERS = """
CREATE TRIGGER parcels_revision_insert AFTER INSERT ON parcels_parcel
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION parcels_revision_bump();
CREATE TRIGGER parcels_revision_update AFTER UPDATE ON parcels_parcel
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION parcels_revision_bump();
CREATE TRIGGER parcels_revision_delete AFTER DELETE ON parcels_parcel
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION parcels_revision_bump();
"""

PARTITIONS = """
CREATE FUNCTION parcels_partition_name(agency bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'parcels_parcel_agency_' || agency $$;

CREATE FUNCTION parcels_partition_ensure(agency bigint) RETURNS regclass
LANGUAGE plpgsql AS $$
DECLARE
    name text := parcels_partition_name(agency);
BEGIN
    IF to_regclass(name) IS NULL THEN
        -- Made apart, then attached: CREATE TABLE ... PARTITION OF would hold
        -- the parent against every reader until the commit (ACCESS
        -- EXCLUSIVE); ATTACH takes a SHARE UPDATE EXCLUSIVE lock only.
        EXECUTE format(
            'CREATE TABLE %I (LIKE parcels_parcel INCLUDING DEFAULTS INCLUDING GENERATED)',
            name
        );
        EXECUTE format(
            'ALTER TABLE parcels_parcel ATTACH PARTITION %I FOR VALUES IN (%s)',
            name, agency
        );
    END IF;
    RETURN name::regclass;
END $$;

CREATE FUNCTION parcels_partition_follow_agency() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    partition regclass;
    empty boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM parcels_partition_ensure(NEW.id);
        RETURN NULL;
    END IF;
    partition := to_regclass(parcels_partition_name(OLD.id));
    IF partition IS NOT NULL THEN
        -- Parcels left behind are the agency foreign key's to refuse (at
        -- commit): dropping their partition would delete them unseen.
        EXECUTE format('SELECT NOT EXISTS (SELECT FROM %s)', partition) INTO empty;
        IF empty THEN
            EXECUTE format('DROP TABLE %s', partition);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER parcels_partition_insert AFTER INSERT ON layers_agency
    FOR EACH ROW EXECUTE FUNCTION parcels_partition_follow_agency();
CREATE TRIGGER parcels_partition_delete AFTER DELETE ON layers_agency
    FOR EACH ROW EXECUTE FUNCTION parcels_partition_follow_agency();
"""

REFERENCES = """
CREATE FUNCTION parcels_reference_check() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parcel_id IS NULL THEN
        RETURN NULL;
    END IF;
    -- As a foreign key does: the row locked FOR KEY SHARE, so a deletion
    -- running now waits for this transaction, or this one sees it gone.
    PERFORM FROM parcels_parcel WHERE id = NEW.parcel_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION
            'insert or update on table "%" violates its reference to parcels_parcel',
            TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = format(
                      'Key (parcel_id)=(%s) is not present in table "parcels_parcel".',
                      NEW.parcel_id
                  );
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION parcels_referenced_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    citing text;
    cited boolean;
BEGIN
    -- A parcel moved to another agency is deleted from one partition and
    -- inserted into another, with its id: still there.
    IF EXISTS (SELECT FROM parcels_parcel WHERE id = OLD.id) THEN
        RETURN NULL;
    END IF;
    FOREACH citing IN ARRAY TG_ARGV LOOP
        EXECUTE format('SELECT EXISTS (SELECT FROM %I WHERE parcel_id = $1)', citing)
            INTO cited USING OLD.id;
        IF cited THEN
            RAISE EXCEPTION
                'update or delete on table "parcels_parcel" violates the reference from table "%"',
                citing
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = format(
                          'Key (id)=(%s) is still referenced from table "%s".',
                          OLD.id, citing
                      );
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER parcels_cited AFTER DELETE OR UPDATE OF id ON parcels_parcel
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION parcels_referenced_check({citing});
""".format(citing=", ".join(f"'{table}'" for table in CITING)) + "".join(
    f"""
CREATE CONSTRAINT TRIGGER parcels_reference AFTER INSERT OR UPDATE OF parcel_id
    ON {table} DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION parcels_reference_check();
"""
    for table in CITING
)

FORWARD = f"""
ALTER TABLE parcels_parcel RENAME TO parcels_parcel_unpartitioned;
CREATE TABLE parcels_parcel (
    LIKE parcels_parcel_unpartitioned INCLUDING DEFAULTS INCLUDING GENERATED
) PARTITION BY LIST (agency_id);
{PARTITIONS}
SELECT parcels_partition_ensure(id) FROM layers_agency;
INSERT INTO parcels_parcel ({COLUMNS})
SELECT {COLUMNS} FROM parcels_parcel_unpartitioned;
DROP TABLE parcels_parcel_unpartitioned;
CREATE SEQUENCE parcels_parcel_id_seq OWNED BY parcels_parcel.id;
SELECT setval('parcels_parcel_id_seq', coalesce(max(id), 0) + 1, false)
FROM parcels_parcel;
ALTER TABLE parcels_parcel ALTER COLUMN id
    SET DEFAULT nextval('parcels_parcel_id_seq');
{INDEXES}
{REVISION_TRIGGERS}
{REFERENCES}
"""

BACKWARD = f"""
{"".join(f"DROP TRIGGER parcels_reference ON {table};" for table in CITING)}
DROP TRIGGER parcels_partition_insert ON layers_agency;
DROP TRIGGER parcels_partition_delete ON layers_agency;
ALTER TABLE parcels_parcel RENAME TO parcels_parcel_partitioned;
CREATE TABLE parcels_parcel (
    LIKE parcels_parcel_partitioned INCLUDING GENERATED
);
ALTER TABLE parcels_parcel ALTER COLUMN from_demo_data SET DEFAULT false;
INSERT INTO parcels_parcel ({COLUMNS})
SELECT {COLUMNS} FROM parcels_parcel_partitioned;
DROP TABLE parcels_parcel_partitioned;
DROP FUNCTION parcels_referenced_check();
DROP FUNCTION parcels_reference_check();
DROP FUNCTION parcels_partition_follow_agency();
DROP FUNCTION parcels_partition_ensure(bigint);
DROP FUNCTION parcels_partition_name(bigint);
ALTER TABLE parcels_parcel ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY;
SELECT setval(pg_get_serial_sequence('parcels_parcel', 'id'), coalesce(max(id), 0) + 1, false)
FROM parcels_parcel;
{INDEXES.replace("PRIMARY KEY (id, agency_id)", "PRIMARY KEY (id)")}
{REVISION_TRIGGERS}
"""


class Migration(migrations.Migration):

    dependencies = [
        ("layers", "0016_zone_rule_citations"),
        ("parcels", "0006_parcels_revision"),
        ("notes", "0005_parcel_reference_by_trigger"),
        ("requete", "0005_parcel_reference_by_trigger"),
        ("permits", "0004_parcel_reference_by_trigger"),
        ("payments", "0007_parcel_reference_by_trigger"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
