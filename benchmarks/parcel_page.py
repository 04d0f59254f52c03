"""The parcel's page (``/parcels/<agency>/<reference key>/``): its server time.

    .venv/bin/python benchmarks/parcel_page.py                # the checkout's DB
    DATABASE_URL=postgis://… .venv/bin/python benchmarks/parcel_page.py
    .venv/bin/python benchmarks/parcel_page.py --bench        # geoportail_bench

Against ``DATABASE_URL`` (or, unset, the checkout's embedded database; with
``--bench`` the benchmark database of ``generate.py``), over ``--parcels``
parcels of ``--agency`` (default: the agency with the most requests, else
with the most parcels) — a third of them, where there are, parcels that
requests name, a third parcels permit files touch — it measures,
interleaved parcel by parcel so that each figure is taken under the same load:

- the raw composition statement of the parcel (``notes.sql.compose_rows``,
  one round trip): the anchor, what no page about the parcel can go under;
- the page for a citizen (anonymous) through Django's test client: Django's
  handler, middleware, the page's reads and its template;
- the page for a planner of the agency (requests' subjects and internal
  messages, the notes' verification links), when the agency has one.

Prints p50 and p95 (ms) of each, the page's p50 over the anchor's, and the
queries one page takes. Nothing asserts on time.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The project's packages before this folder (Python's first entry): its
# payments.py would hide the payments app.
sys.path.insert(0, str(REPO_ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def figures(times: list[float]) -> str:
    return f"p50 {percentile(times, 50):7.2f} ms  p95 {percentile(times, 95):7.2f} ms"


def chosen_agency(code: str):
    """The agency ``code``, else the one with the most requests, else with
    the most parcels."""
    from django.db.models import Count

    from layers.models import Agency

    if code:
        return Agency.objects.get(code=code)
    agencies = Agency.objects.annotate(
        requests=Count("request_kinds__requests", distinct=True)
    ).order_by("-requests", "pk")
    busiest = agencies.first()
    if busiest is not None and busiest.requests:
        return busiest
    return Agency.objects.annotate(n=Count("parcels")).order_by("-n", "pk").first()


def chosen_parcels(agency, count: int) -> list:
    """``count`` parcels of ``agency``: a third among those requests name, a
    third among those permit files touch (the page's lists are then not
    empty), the rest at random."""
    from parcels.models import Parcel
    from permits.models import PermitParcel
    from requete.models import CitizenRequest

    named = list(
        CitizenRequest.objects.filter(
            parcel__agency=agency, case__submitted_at__isnull=False
        )
        .values_list("parcel_id", flat=True)
        .distinct()[: count // 3]
    )
    named += list(
        PermitParcel.objects.filter(parcel__agency=agency, file__do_not_publish=False)
        .exclude(parcel_id__in=named)
        .values_list("parcel_id", flat=True)
        .distinct()[: count // 3]
    )
    parcels = list(Parcel.objects.filter(pk__in=named))
    others = Parcel.objects.filter(agency=agency).exclude(pk__in=named)
    parcels += list(others.order_by("?")[: count - len(parcels)])
    for parcel in parcels:
        parcel.agency = agency
    return parcels


def measure(agency, parcels: list, rounds: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from notes import sql

    citizen = Client()
    planner_user = (
        User.objects.filter(agency=agency, role=User.Role.PLANNER, is_active=True)
        .order_by("pk")
        .first()
    )
    planner = None
    if planner_user is not None:
        planner = Client()
        planner.force_login(planner_user)
    urls = {
        parcel.pk: reverse("parcel", args=[agency.code, parcel.reference_key])
        for parcel in parcels
    }
    now = datetime.datetime.now(datetime.UTC)
    times: dict[str, list[float]] = {"raw compose statement": [], "page, citizen": []}
    if planner is not None:
        times["page, planner of the agency"] = []
    queries = {}

    def timed(name: str, call) -> None:
        start = time.perf_counter()
        call()
        times[name].append((time.perf_counter() - start) * 1000)

    def page(client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    for parcel in parcels[:3]:  # warm: the planning cache, prepared plans
        page(citizen, urls[parcel.pk])
    for _round in range(rounds):
        for parcel in parcels:
            wkb = bytes(parcel.geom.wkb)
            timed(
                "raw compose statement",
                lambda wkb=wkb: sql.compose_rows(
                    wkb=wkb, agency_id=agency.pk, day=now.date(), at=now
                ),
            )
            url = urls[parcel.pk]
            timed("page, citizen", lambda url=url: page(citizen, url))
            if planner is not None:
                timed("page, planner of the agency", lambda url=url: page(planner, url))
    for name, client in (("citizen", citizen), ("planner", planner)):
        if client is None:
            continue
        with CaptureQueriesContext(connection) as captured:
            page(client, urls[parcels[0].pk])
        queries[name] = len(captured.captured_queries)

    print(
        f"agency {agency.code}: {len(parcels)} parcels × {rounds} rounds, "
        f"database {connection.settings_dict['NAME']}"
    )
    for name, values in times.items():
        print(f"{name:32} {figures(values)}")
    anchor = percentile(times["raw compose statement"], 50)
    for name, values in times.items():
        if name.startswith("page"):
            ratio = percentile(values, 50) / anchor
            print(f"{name:32} p50 / raw statement's p50: {ratio:5.1f}×")
    for name, count in queries.items():
        print(f"queries of one page, {name:11} {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agency", default="", help="an agency's code")
    parser.add_argument("--parcels", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--bench", action="store_true", help="the benchmark database (generate.py)"
    )
    args = parser.parse_args()
    if args.bench:
        from generate import bench_url

        os.environ["DATABASE_URL"] = bench_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoportal.settings")
    import django

    django.setup()
    from django.conf import settings

    # The test client's host, and static files named without a collectstatic
    # manifest (as in the tests): the page is measured, not the deployment.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    agency = chosen_agency(args.agency)
    if agency is None:
        sys.exit("No agency in this database: load one (manage.py load_demo).")
    parcels = chosen_parcels(agency, args.parcels)
    if not parcels:
        sys.exit(f"The agency {agency.code} has no parcel.")
    measure(agency, parcels, args.rounds)


if __name__ == "__main__":
    main()
