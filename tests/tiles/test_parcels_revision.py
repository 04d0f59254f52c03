"""The parcels' tiles' validator changes with every write of the agency's
parcels — a change in place, a retirement, a deletion — not only with new
ones, so that no cache keeps showing what an import changed."""

from __future__ import annotations

from django.utils import timezone

from parcels.models import Parcel
from tiles.catalog import _parcels_tileset


def stamp(agency) -> str:
    return _parcels_tileset(agency).etag("16/1/1")


def test_each_write_of_the_agencys_parcels_changes_the_tiles_etag(agency, other_agency):
    from tests.conftest import square

    Parcel.objects.create(
        agency=agency, kind="TF", reference="TF 1/07", reference_key="TF1/7",
        geom=square(-6.85, 33.95, 0.001),
    )  # fmt: skip
    seen = {stamp(agency)}
    Parcel.objects.filter(agency=agency).update(address="1 rue des Orangers")
    seen.add(stamp(agency))
    Parcel.objects.filter(agency=agency).update(retired_at=timezone.now())
    seen.add(stamp(agency))
    Parcel.objects.filter(agency=agency).delete()
    seen.add(stamp(agency))
    assert len(seen) == 4
    # Another agency's parcels are not touched: its tiles keep their ETag.
    before = stamp(other_agency)
    Parcel.objects.create(
        agency=agency, kind="TF", reference="TF 2/07", reference_key="TF2/7",
        geom=square(-6.85, 33.95, 0.001),
    )  # fmt: skip
    assert stamp(other_agency) == before
