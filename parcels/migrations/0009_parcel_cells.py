"""The grid cells an agency's parcels touch (``ParcelCell``), by which a
click finds a parcel that sticks out of its agency's territory.

``parcels_cell(degrees)``, the one definition of a cell (0.01°, ≈ 1 km):
the cell a longitude or latitude falls in; a parcel touches the cells of
its bounding box. Two statement triggers add the cells of the current
parcels each statement inserts or updates (transition tables, as the
revision's of 0006); an agency's first import, which attaches a loaded
table and so fires no trigger, adds its own (``parcels.partitions``, the
cells reckoned by ``parcels.importing.cells_touched``). The cells of the
parcels already there are added here.
"""

import django.db.models.deletion
from django.db import migrations, models

# The cells of the current parcels among ``{rows}``, rounded box by box before
# they are spread (most parcels lie in one cell): 0.7 s for a million. A
# first import reckons its own from its batches (parcels.importing).
CELLS_ADD = """
INSERT INTO parcels_parcelcell (x, y, agency_id)
SELECT DISTINCT x, y, agency_id
FROM (
  SELECT DISTINCT agency_id,
         parcels_cell(ST_XMin(box)) AS x0, parcels_cell(ST_XMax(box)) AS x1,
         parcels_cell(ST_YMin(box)) AS y0, parcels_cell(ST_YMax(box)) AS y1
  FROM (SELECT agency_id, Box2D(geom) AS box FROM {rows}
        WHERE retired_at IS NULL) AS parcels
) AS boxes, generate_series(x0, x1) AS x, generate_series(y0, y1) AS y
ON CONFLICT DO NOTHING
"""

CELLS = f"""
CREATE FUNCTION parcels_cell(degrees double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT floor(degrees * 100)::integer $$;
CREATE FUNCTION parcels_cells_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {CELLS_ADD.format(rows="new_rows")};
    RETURN NULL;
END $$;
CREATE TRIGGER parcels_cells_insert AFTER INSERT ON parcels_parcel
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION parcels_cells_add();
CREATE TRIGGER parcels_cells_update AFTER UPDATE ON parcels_parcel
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION parcels_cells_add();
{CELLS_ADD.format(rows="parcels_parcel")};
"""

DROP = """
DROP TRIGGER parcels_cells_insert ON parcels_parcel;
DROP TRIGGER parcels_cells_update ON parcels_parcel;
DROP FUNCTION parcels_cells_add();
DROP FUNCTION parcels_cell(double precision);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('layers', '0016_zone_rule_citations'),
        ('parcels', '0008_partition_redundant_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ParcelCell',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('x', models.IntegerField()),
                ('y', models.IntegerField()),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='layers.agency')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('x', 'y', 'agency'), name='parcel_cell_unique')],
            },
        ),
        migrations.RunSQL(CELLS, DROP),
    ]
