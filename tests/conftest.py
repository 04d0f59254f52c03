"""Shared fixtures: a real PostGIS test database, a small agency, users per role."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from accounts.models import User
from core.db import own_connection_params
from core.http_cache import code_version
from layers.models import Agency, Layer, PlanningDocument
from parcels.partitions import loads_sweep

pytest_plugins = ["tests.browser_fixtures", "tests.requete_fixtures", "tests.wsgi"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    """Templates resolve static files without a collectstatic manifest in tests;
    uploads go to a throw-away folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture(autouse=True)
def _pades_test_ca(settings):
    """Issued PDFs are signed by the checkout's local test CA (core.pades)."""
    settings.GEOPORTAIL_PADES_TEST_CA = True


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Every test starts in the site's language, whatever the test before left:
    Django keeps the active language per thread, and a page requested in Arabic
    leaves Arabic active for code called outside a request afterwards."""
    translation.activate(settings.LANGUAGE_CODE)


def sql_refused(sql: str, params: list) -> None:
    """Run ``sql`` straight in PostgreSQL and expect the database to refuse it
    (history and audit rows are protected by triggers, not by the ORM)."""
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def square(lon: float, lat: float, size: float) -> MultiPolygon:
    """A square of ``size`` degrees with its south-west corner at (lon, lat)."""
    ring = (
        (lon, lat),
        (lon + size, lat),
        (lon + size, lat + size),
        (lon, lat + size),
        (lon, lat),
    )
    return MultiPolygon(Polygon(ring), srid=4326)


@pytest.fixture
def release(settings):
    """Deploys a release of the code by its name (``GEOPORTAIL_RELEASE``),
    which the maps' ETags name (``core.http_cache.code_version``)."""

    def deploy(name: str) -> None:
        settings.GEOPORTAIL_RELEASE = name
        code_version.cache_clear()

    yield deploy
    code_version.cache_clear()


@pytest.fixture
def parcel_loads_swept():
    """Drops, after the test's transaction is rolled back, the load tables
    its first parcel imports committed (``parcels.partitions``): the
    rollback undoes their swap only, as a caller's would. Used before
    ``db`` (``pytestmark``), so torn down after it."""
    yield
    loads_sweep(own_connection_params())


@pytest.fixture
def make_agency(db):
    def make(code: str = "aurs", *, lon: float = -6.9, lat: float = 33.9, **extra):
        return Agency.objects.create(
            code=code,
            name_fr=extra.pop("name_fr", f"Agence urbaine {code}"),
            name_ar=extra.pop("name_ar", f"الوكالة الحضرية {code}"),
            srid=extra.pop("srid", 26191),
            note_prefix=extra.pop("note_prefix", code.upper()[:6]),
            territory=extra.pop("territory", square(lon, lat, 0.1)),
            **extra,
        )

    return make


@pytest.fixture
def agency(make_agency):
    return make_agency()


@pytest.fixture
def other_agency(make_agency):
    return make_agency("aukt", lon=-6.6, lat=34.2)


@pytest.fixture
def make_document(db):
    def make(agency: Agency, reference: str = "PA-1", **extra):
        defaults = {
            "kind": PlanningDocument.Kind.PA,
            "title_fr": f"Plan d'aménagement {reference}",
            "title_ar": f"تصميم التهيئة {reference}",
            "status": PlanningDocument.Status.APPROVED,
            "approval_act": "Décret n° 2.19.345",
            "approval_date": datetime.date(2019, 6, 1),
            "effective_date": datetime.date(2019, 7, 4),
            "expiry_date": datetime.date(2029, 7, 4),
            "perimeter": agency.territory,
        }
        defaults.update(extra)
        return PlanningDocument.objects.create(
            agency=agency, reference=reference, **defaults
        )

    return make


@pytest.fixture
def document(agency, make_document):
    return make_document(agency)


@pytest.fixture
def zoning_layer(document):
    return Layer.objects.create(
        document=document,
        name="zonage",
        title_fr="Zonage",
        title_ar="التنطيق",
        kind=Layer.Kind.ZONING,
    )


@pytest.fixture
def planner(agency):
    return User.objects.create_user(
        "planner", password="not-a-real-password-1", agency=agency, is_staff=True
    )


@pytest.fixture
def other_planner(other_agency):
    return User.objects.create_user(
        "other-planner",
        password="not-a-real-password-2",
        agency=other_agency,
        is_staff=True,
    )


@pytest.fixture
def administrator(db):
    return User.objects.create_user(
        "administrator",
        password="not-a-real-password-3",
        role=User.Role.ADMINISTRATOR,
        is_staff=True,
    )


@pytest.fixture(scope="session")
def demo(django_db_setup, django_db_blocker):
    """The fictional demo agency "demo-rabat" (data/demo/), loaded once per session.

    Its documents, layers, versions and ~4,700 parcels are committed to the test
    database (not rolled back): tests must not change them. No user accounts are
    created (the ``planner`` fixture owns that username). Returns the Agency.
    Transactional tests (``transactional_db``, ``live_server``) empty the database
    when they end, so they use ``demo_reloaded`` instead.
    """
    from geoportal.demo import demo_load

    with django_db_blocker.unblock():
        return demo_load().agency


@pytest.fixture
def demo_reloaded(transactional_db):
    """The demo agency for transactional tests: loaded again (about 2 s) when an
    earlier transactional test emptied the database, else found as it is."""
    from geoportal.demo import demo_load

    return demo_load().agency
