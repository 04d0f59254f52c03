"""What the import commands share: a progress bar, acting users, errors."""

from __future__ import annotations

import contextlib
import datetime
import sys
from collections.abc import Iterator
from pathlib import Path

import shapely
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from core.errors import GeoportalError
from importing.polygons import polygons_read
from layers.models import Agency, PlanningDocument


class ProgressBar:
    """A one-line progress bar on stderr: ``[#####.....]  50 %  1000/2000``."""

    def __init__(self, stream=None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            filled = min(self.width, self.width * done // total)
            bar = "#" * filled + "." * (self.width - filled)
            text = f"\r[{bar}] {100 * done // total:3d} %  {done}/{total}"
        else:
            text = f"\r{done} …"
        self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def acting_user(username: str | None):
    """The user named ``--user`` (None: a trusted operator). CommandError if none."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("There is no user “%(name)s”.") % {"name": username})
    return user


def agency_get(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise CommandError(_("There is no agency “%(code)s”.") % {"code": code})
    return agency


def document_get(agency: Agency, reference: str) -> PlanningDocument | None:
    return PlanningDocument.objects.filter(agency=agency, reference=reference).first()


def srid_parse(text: str | None) -> int | None:
    """``EPSG:26191`` or ``26191`` as an integer; CommandError otherwise."""
    if not text:
        return None
    value = text.upper().removeprefix("EPSG:")
    if not value.isdigit():
        raise CommandError(
            _("“%(srs)s” is not an EPSG code (write EPSG:26191).") % {"srs": text}
        )
    return int(value)


def date_parse(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            _("“%(date)s” is not a date (write YYYY-MM-DD).") % {"date": text}
        ) from exc


def polygons_from_file(path: str):
    """A GEOS multipolygon (EPSG:4326) read from any vector file."""
    file_path = Path(path)
    if not file_path.exists():
        raise CommandError(_("There is no file “%(path)s”.") % {"path": path})
    with command_errors():
        shape = polygons_read(file_path)
    return GEOSGeometry(memoryview(shapely.to_wkb(shape, include_srid=True)))


@contextlib.contextmanager
def command_errors() -> Iterator[None]:
    """Turn the errors a user can act on into CommandError (no traceback)."""
    try:
        yield
    except GeoportalError as exc:
        raise CommandError(str(exc.message)) from exc
    except PermissionDenied as exc:
        raise CommandError(str(exc) or _("Permission denied.")) from exc
    except ValidationError as exc:
        raise CommandError("; ".join(exc.messages)) from exc
