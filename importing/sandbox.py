"""GDAL as uploads need it: only the readers' drivers, and no network.

A planner's upload is read by pyogrio's GDAL, which by default opens whatever
the bytes say: a GDAL VRT named ``zones.geojson`` reads any file the server can
read (``.local/secret_key``, ``/etc/passwd``), and ``/vsicurl/`` paths or a
GeoJSON ``"crs": {"type": "link"}`` make the server fetch URLs. pyogrio has no
per-open list of allowed drivers, so ``gdal_lock_down`` (called once, from
``LayersConfig.ready``) unregisters every driver but those of the readers and
switches GDAL's network access off for the whole process; each reader then
checks that its own driver opened the file (``readers.source_layers``).

Only pyogrio's own GDAL is changed (not Django's, not the ``ogr2ogr`` a test
may run), and nothing is written to the environment. Orthophotos, which
pyogrio cannot read, go through GDAL's command-line tools under the same
rules (``importing/orthophoto.py``): the GTiff driver alone (``-if GTiff``),
``NETWORK_OFF`` as ``--config`` options, no sidecar files.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyogrio
from django.core.exceptions import ImproperlyConfigured
from pyogrio._ogr import _register_drivers

# Any URL GDAL is asked for would go through this proxy, where nothing listens
# (port 9, "discard"), so CPLHTTPFetch (used by GeoJSON's linked CRS and OSR)
# fails at once instead of reaching the network.
_NOWHERE = "127.0.0.1:9"

NETWORK_OFF = {
    # /vsicurl/, /vsicurl_streaming/, /vsis3/, /vsigs/, /vsiaz/…: every
    # network file system of GDAL opens only this name, which is no URL.
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/geoportail/no-network",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".geoportail-no-network",
    "GDAL_HTTP_PROXY": _NOWHERE,
    "GDAL_HTTPS_PROXY": _NOWHERE,
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_NETRC": "NO",
    "CPL_CURL_ENABLE_VSIMEM": "NO",
    "GDAL_ALLOW_REMOTE_RESOURCE_TO_ACCESS_LOCAL_FILE": "NO",
    # GeoPackage (SQLite): no ATTACH of other files, no virtual tables that
    # open other datasets, no extensions, no OGR functions run from views.
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "OGR_SQLITE_LIST_VIRTUAL_OGR": "NO",
    "OGR_SQLITE_LOAD_EXTENSIONS": None,
    "ALLOW_OGR_SQL_FUNCTIONS_FROM_TRIGGER_AND_VIEW": "NO",
}


def gdal_lock_down(drivers: Iterable[str]) -> None:
    """Keep only ``drivers`` registered in pyogrio's GDAL; switch its network off.

    Idempotent. Raises ImproperlyConfigured when another driver is still
    registered afterwards (so the server never starts half protected).
    """
    allowed = set(drivers)
    skipped = sorted(set(pyogrio.list_drivers()) - allowed)
    pyogrio.set_gdal_config_options(NETWORK_OFF)
    if skipped:
        # GDAL_SKIP is applied when drivers are registered: registering again
        # unregisters the skipped ones (commas, since names have spaces).
        pyogrio.set_gdal_config_options({"GDAL_SKIP": ",".join(skipped)})
        _register_drivers()
    left = set(pyogrio.list_drivers()) - allowed
    if left:
        raise ImproperlyConfigured(
            f"GDAL drivers still registered after the lock-down: {sorted(left)}"
        )
