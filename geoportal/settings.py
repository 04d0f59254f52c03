"""Settings for Geoportail, read from the environment (twelve-factor).

Defaults are safe for a laptop: DEBUG off unless asked for, the embedded PostGIS
cluster found by itself when DATABASE_URL is unset, a secret key generated once per
checkout (never committed). ``geoportal.settings_production`` hardens these for a
deployment.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from geoportal.embedded_db import EmbeddedCluster

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(os.environ.get("GEOPORTAIL_LOCAL_DIR", BASE_DIR / ".local"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean from the environment: 1/true/yes/on are true."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list from the environment."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def local_secret_key() -> str:
    """Return this checkout's own secret key, created on first use (not in git)."""
    return local_secret("secret_key")


def local_secret(name: str) -> str:
    """Return this checkout's own secret ``name``, created on first use (not
    in git)."""
    path = LOCAL_DIR / name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        LOCAL_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key + "\n")
        path.chmod(0o600)
        return key


def database_settings() -> dict:
    """DATABASE_URL when set, otherwise the embedded cluster of this checkout;
    and the read replicas of DATABASE_REPLICA_URLS (core/replicas.py)."""
    databases = {"default": database_config(os.environ.get("DATABASE_URL"))}
    for number, url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
        replica = database_config(url)
        # Tests read the primary's test database through it.
        replica["TEST"] = {"MIRROR": "default"}
        databases[f"replica_{number}"] = replica
    return databases


def database_config(url: str | None) -> dict:
    """One database's settings: ``url``, or the embedded cluster."""
    if url:
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
        config["ENGINE"] = "django.contrib.gis.db.backends.postgis"
    else:
        info = EmbeddedCluster(BASE_DIR).info()
        if info is None:
            # Not set up yet: connecting fails with a clear error from psycopg;
            # scripts/run and scripts/test create the cluster first.
            config = {
                "ENGINE": "django.contrib.gis.db.backends.postgis",
                "NAME": "geoportail",
                "HOST": str(LOCAL_DIR / "postgres" / "cluster" / "run"),
            }
        else:
            config = info.as_django_database()
        config["CONN_MAX_AGE"] = 600
        config["CONN_HEALTH_CHECKS"] = True
    # Prepared statements (DATABASE_PREPARED=true, set for the web server by
    # scripts/run): the fixed spatial queries of the public API are then planned
    # once per connection. Not for migrations, whose multi-statement SQL the
    # extended protocol refuses, nor behind PgBouncer in transaction mode.
    options = config.setdefault("OPTIONS", {})
    # A database that is down answers at once on the unix socket; a remote one
    # may not answer at all. Requests, /healthz and the worker give up after
    # this many seconds (libpq's minimum is 2) and say the database is away.
    options.setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
    )
    if env_bool("DATABASE_PREPARED", False):
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", 0)
    # A health check is a "SELECT 1" round trip before each request's first
    # query: as costly as the public API's one spatial query. The web server
    # turns it off (DATABASE_HEALTH_CHECKS=false in scripts/run); connections
    # the server hung up on are then dropped for free when a request starts
    # (core.db.connections_drop_dead).
    config["CONN_HEALTH_CHECKS"] = env_bool("DATABASE_HEALTH_CHECKS", True)
    test_name = os.environ.get("GEOPORTAIL_TEST_DATABASE")
    if test_name:
        config["TEST"] = {"NAME": test_name}
    return config


def file_storage_settings(kind: str) -> dict:
    """``STORAGES["default"]``: the filesystem, or with ``kind`` "s3" an
    S3-compatible bucket (django-storages) from the GEOPORTAIL_S3_* variables.

    The bucket stays private: files are served at the portal's own URLs
    (``geoportal.bucket``), names are never reused (a stored name always
    means the same bytes, which ``core.stored_files`` relies on), a file
    read whole is spooled to disk past 5 MB, and credentials left empty fall
    back to boto3's own chain (an instance role, AWS_ACCESS_KEY_ID…).
    """
    if kind != "s3":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": os.environ.get("GEOPORTAIL_S3_BUCKET", ""),
        "endpoint_url": os.environ.get("GEOPORTAIL_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("GEOPORTAIL_S3_REGION") or None,
        "access_key": os.environ.get("GEOPORTAIL_S3_ACCESS_KEY") or None,
        "secret_key": os.environ.get("GEOPORTAIL_S3_SECRET_KEY") or None,
        "addressing_style": os.environ.get("GEOPORTAIL_S3_ADDRESSING_STYLE") or None,
        "location": os.environ.get("GEOPORTAIL_S3_PREFIX", ""),
        "default_acl": None,
        "file_overwrite": False,
        "max_memory_size": 5 * 1024 * 1024,
        "signature_version": "s3v4",
    }
    return {"BACKEND": "geoportal.bucket.BucketStorage", "OPTIONS": options}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or local_secret_key()
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "leaflet",
    # Swagger UI as local static files (the API documentation page); no DRF.
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "axes",
    "accounts",
    "audit",
    "layers",
    "parcels",
    "cases",
    "documents",
    "library",
    "tenders",
    "notes",
    "payments",
    "permits",
    "ows",
    "viewer",
    "tiles",
    "requete",
    "geoportal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Anonymous safe requests read a replica, when there are replicas.
    "geoportal.replica_reads.replica_reads",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.context.ClientAddressMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Near the end: its refusals get every header above, in the user's language.
    "geoportal.middleware.refuse_nul_bytes",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# The machine path (geoportal/machine.py): anonymous requests (no session
# cookie, no Authorization header) to the machine routes (core.routes.machine:
# OGC services, vector tiles, identify, compose) are answered by a second
# handler with this middleware only, in MIDDLEWARE's order. Every entry of
# MIDDLEWARE is here or in MACHINE_SKIPPED_MIDDLEWARE (system check
# geoportal.E001).
MACHINE_MIDDLEWARE = [
    # Security headers (nosniff, referrer policy, HSTS behind TLS).
    "django.middleware.security.SecurityMiddleware",
    # Errors and capabilities in the client's language.
    "django.middleware.locale.LocaleMiddleware",
    # The Host header checked against ALLOWED_HOSTS, Content-Length.
    "django.middleware.common.CommonMiddleware",
    # In place of sessions and authentication: the requests carry no credentials.
    "geoportal.machine.anonymous_user",
    # Frame options and content-security policy, as on every page.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # A NUL in the path, query or form is a 400, in the client's language.
    "geoportal.middleware.refuse_nul_bytes",
]
# What the machine path skips of MIDDLEWARE, and why.
MACHINE_SKIPPED_MIDDLEWARE = {
    "whitenoise.middleware.WhiteNoiseMiddleware": "static files are no machine route",
    "django.contrib.sessions.middleware.SessionMiddleware": (
        "its requests carry no session cookie"
    ),
    "django.middleware.csrf.CsrfViewMiddleware": (
        "no session, so nothing to forge; the machine views that accept POST "
        "are csrf_exempt"
    ),
    "django.contrib.auth.middleware.AuthenticationMiddleware": (
        "no session nor token: geoportal.machine.anonymous_user says so"
    ),
    "audit.context.ClientAddressMiddleware": (
        "the machine routes write nothing to the audit log"
    ),
    "django.contrib.messages.middleware.MessageMiddleware": (
        "messages are shown on pages, which are no machine route"
    ),
    "axes.middleware.AxesMiddleware": "it acts on logins only",
    "geoportal.replica_reads.replica_reads": (
        "the machine path chooses itself: its routes never write, so every "
        "request reads a replica (geoportal.machine.MachinePath)"
    ),
}
# Of MACHINE_MIDDLEWARE, those whose whole effect on a successful answer is its
# headers: the fast lanes (core.lanes), which answer only plain successes
# without the handler, apply their process_response. Every other entry of
# MACHINE_MIDDLEWARE is in LANE_SKIPPED_MIDDLEWARE (system check geoportal.E003).
LANE_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]
LANE_SKIPPED_MIDDLEWARE = {
    "django.middleware.locale.LocaleMiddleware": (
        "images and tiles do not depend on the language; errors go to the handler"
    ),
    "django.middleware.common.CommonMiddleware": (
        "the lanes' answers name no host (no absolute address) and they set "
        "Content-Length themselves"
    ),
    "geoportal.machine.anonymous_user": "the lanes serve the public only",
    "geoportal.middleware.refuse_nul_bytes": (
        "the lanes leave a request holding a NUL to the handler (core.nul)"
    ),
}

ROOT_URLCONF = "geoportal.urls"
WSGI_APPLICATION = "geoportal.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# Planners log in to their workspace, not to the admin (which keeps its own).
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "layers:planner"
LOGOUT_REDIRECT_URL = "viewer:map"
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "geoportal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = database_settings()
# Hot standbys of the primary (core/replicas.py): anonymous reads go there.
DATABASE_REPLICAS = tuple(alias for alias in DATABASES if alias != "default")
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
# After an unsafe request, the client's reads stay on the primary this long
# (replication lag is usually milliseconds; a lagging standby, seconds).
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "10"))
# A replica that could not be reached is not tried again for this long.
DATABASE_REPLICA_RETRY_SECONDS = float(
    os.environ.get("DATABASE_REPLICA_RETRY_SECONDS", "5")
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# Internationalisation: French by default, Arabic (right-to-left) and English.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Numbers written as the map page's browser writes them (geoportal/formats).
FORMAT_MODULE_PATH = ["geoportal.formats"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("TIME_ZONE", "Africa/Casablanca")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", LOCAL_DIR / "static"))
# Stored files (uploads, COGs, regulation and library PDFs, attachments) go
# through Django's storage API only: MEDIA_ROOT on the filesystem (a folder the
# web nodes share), or an S3-compatible bucket with GEOPORTAIL_STORAGE=s3
# (docs/scaling.md, "Files"; checks geoportal.E005 and E006 say what is amiss).
GEOPORTAIL_STORAGE = os.environ.get("GEOPORTAIL_STORAGE", "filesystem").strip().lower()
STORAGES = {
    "default": file_storage_settings(GEOPORTAIL_STORAGE),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", LOCAL_DIR / "media"))
# Local copies of stored files that readers need as a path (COGs in a bucket:
# core.stored_files); a cache: a copy removed is made again when next read.
GEOPORTAIL_FILE_CACHE_DIR = Path(
    os.environ.get("GEOPORTAIL_FILE_CACHE_DIR", LOCAL_DIR / "file-cache")
)

# Security defaults that hold in every environment; production adds HTTPS ones.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the map page reads it for its POSTs
CSRF_FAILURE_VIEW = "geoportal.views.csrf_failure"  # in the reader's language
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],  # Leaflet sets inline styles
    "img-src": [
        CSP.SELF,
        "data:",
        "blob:",
        *env_list("GEOPORTAIL_BASEMAP_ORIGINS", []),
    ],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# The portal's public address (e.g. https://geoportail.example.ma) for links that
# leave it, such as the QR code of a note; empty: taken from each request.
GEOPORTAIL_PUBLIC_URL = os.environ.get("GEOPORTAIL_PUBLIC_URL", "")
# The release deployed (a commit, a version), named in the maps' ETags so that
# caches drop what older code drew; empty: a digest of the source, per process
# (core.http_cache.code_version).
GEOPORTAIL_RELEASE = os.environ.get("GEOPORTAIL_RELEASE", "")

# The licence under which published layers are downloaded, named on their
# metadata pages and in their ISO 19139 metadata (layers.metadata).
GEOPORTAIL_DATA_LICENCE = os.environ.get(
    "GEOPORTAIL_DATA_LICENCE", "Open Data Commons Open Database License (ODbL) 1.0"
)
GEOPORTAIL_DATA_LICENCE_URL = os.environ.get(
    "GEOPORTAIL_DATA_LICENCE_URL", "https://opendatacommons.org/licenses/odbl/1-0/"
)

# Web Mercator maps keep published versions' geometry in each web worker's
# memory up to this many coordinates (≈ 35 bytes each with the per-feature
# arrays; ows.mapcache).
OWS_MAP_CACHE_COORDINATES = int(os.environ.get("OWS_MAP_CACHE_COORDINATES", 4_000_000))

# Password guessing (django-axes, counted in the database so that every web
# worker sees the same failures). Failures are counted per account and, apart,
# per client address: an account attacked from many addresses and an address
# trying many accounts are both locked, for the cool-off after their last
# failure. A successful login does not reset the count — it would let anyone
# with an account reset their address's count between guesses.
GEOPORTAIL_LOGIN_FAILURE_LIMIT = int(
    os.environ.get("GEOPORTAIL_LOGIN_FAILURE_LIMIT", 10)
)
GEOPORTAIL_LOGIN_COOLOFF_MINUTES = int(
    os.environ.get("GEOPORTAIL_LOGIN_COOLOFF_MINUTES", 15)
)
AXES_FAILURE_LIMIT = GEOPORTAIL_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=GEOPORTAIL_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_address"
AXES_VERBOSE = False  # no banner on every manage.py command
# The number of reverse proxies in front of the web server that append the
# client's address to X-Forwarded-For (0: the address is the peer's).
GEOPORTAIL_PROXY_COUNT = int(os.environ.get("GEOPORTAIL_PROXY_COUNT", 0))
# Failed API tokens: after this many from one address, every request of that
# address with a token is refused (429) for the cool-off after its last failure.
GEOPORTAIL_TOKEN_FAILURE_LIMIT = int(
    os.environ.get("GEOPORTAIL_TOKEN_FAILURE_LIMIT", 10)
)
GEOPORTAIL_TOKEN_COOLOFF_MINUTES = int(
    os.environ.get("GEOPORTAIL_TOKEN_COOLOFF_MINUTES", 15)
)
# Notes an anonymous address may issue in an hour: each is signed and kept
# for ever, so issuing is bounded (planners and administrators are not).
GEOPORTAIL_NOTE_ISSUE_LIMIT = int(os.environ.get("GEOPORTAIL_NOTE_ISSUE_LIMIT", 60))

# document-e (documents/signing.py): when the current signing key came into
# service (ISO instant, empty: always) and the public halves of retired keys
# (JSON list of {"public_key", "valid_from", "valid_to"}), so that documents
# signed before a rotation stay verifiable.
GEOPORTAIL_SIGNING_KEY_SINCE = os.environ.get("GEOPORTAIL_SIGNING_KEY_SINCE", "")
GEOPORTAIL_RETIRED_SIGNING_KEYS = json.loads(
    os.environ.get("GEOPORTAIL_RETIRED_SIGNING_KEYS", "") or "[]"
)
# Wrong verification codes an address may try in an hour (guessing).
GEOPORTAIL_DOCUMENT_LOOKUP_FAILURE_LIMIT = int(
    os.environ.get("GEOPORTAIL_DOCUMENT_LOOKUP_FAILURE_LIMIT", 30)
)
# The largest PDF the verification page hashes (it is never stored).
GEOPORTAIL_DOCUMENT_UPLOAD_MAX_BYTES = int(
    os.environ.get("GEOPORTAIL_DOCUMENT_UPLOAD_MAX_BYTES", 20_000_000)
)

# Cases (cases/, requete/). Notifications leave through the outbox
# (manage.py outbox_send): e-mail by Django's mailer — the console unless
# GEOPORTAIL_EMAIL_BACKEND names another — and text messages by the sender
# class GEOPORTAIL_SMS_SENDER names.
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "GEOPORTAIL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        )
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@geoportail.local")
GEOPORTAIL_SMS_SENDER = os.environ.get(
    "GEOPORTAIL_SMS_SENDER", "cases.sms.ConsoleSmsSender"
)
GEOPORTAIL_OUTBOX_MAX_ATTEMPTS = int(
    os.environ.get("GEOPORTAIL_OUTBOX_MAX_ATTEMPTS", 6)
)
# Days a closed case keeps its requester's personal data (law 09-08);
# manage.py request_retention_purge erases it afterwards.
GEOPORTAIL_CASE_RETENTION_DAYS = int(
    os.environ.get("GEOPORTAIL_CASE_RETENTION_DAYS", 5 * 365)
)
# requête-e: requests one address, and one contact (e-mail or phone), may file
# per hour and per day; hours a confirmation link is valid; days after an
# answer during which the requester may reopen the request.
GEOPORTAIL_REQUEST_LIMIT_HOUR = int(os.environ.get("GEOPORTAIL_REQUEST_LIMIT_HOUR", 6))
GEOPORTAIL_REQUEST_LIMIT_DAY = int(os.environ.get("GEOPORTAIL_REQUEST_LIMIT_DAY", 20))
GEOPORTAIL_REQUEST_CONFIRM_HOURS = int(
    os.environ.get("GEOPORTAIL_REQUEST_CONFIRM_HOURS", 48)
)
GEOPORTAIL_REQUEST_REOPEN_DAYS = int(
    os.environ.get("GEOPORTAIL_REQUEST_REOPEN_DAYS", 30)
)
# prestations-e: orders one address may place per hour and per day, and one
# agency may receive per hour from anonymous citizens (payments.quotas).
GEOPORTAIL_ORDER_LIMIT_HOUR = int(os.environ.get("GEOPORTAIL_ORDER_LIMIT_HOUR", 10))
GEOPORTAIL_ORDER_LIMIT_DAY = int(os.environ.get("GEOPORTAIL_ORDER_LIMIT_DAY", 30))
GEOPORTAIL_ORDER_AGENCY_LIMIT_HOUR = int(
    os.environ.get("GEOPORTAIL_ORDER_AGENCY_LIMIT_HOUR", 600)
)
# Days of submitted requests the public list and map (/requests/public/) show.
GEOPORTAIL_REQUEST_PUBLIC_DAYS = int(
    os.environ.get("GEOPORTAIL_REQUEST_PUBLIC_DAYS", 90)
)
# A case's attachment (cases/attachments.py): PDF, JPEG or PNG up to this size.
GEOPORTAIL_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("GEOPORTAIL_ATTACHMENT_MAX_BYTES", 5_000_000)
)

# Bounds on one OGC request's work (ows.limits): names in LAYERS, image size,
# layers × pixels (each layer is drawn on the whole image), and the features
# one GetFeatureInfo may return. Advertised in WMS capabilities.
OWS_MAX_LAYERS = int(os.environ.get("OWS_MAX_LAYERS", 20))
OWS_MAX_WIDTH = int(os.environ.get("OWS_MAX_WIDTH", 4096))
OWS_MAX_HEIGHT = int(os.environ.get("OWS_MAX_HEIGHT", 4096))
OWS_MAX_LAYER_PIXELS = int(os.environ.get("OWS_MAX_LAYER_PIXELS", 4 * 4096 * 4096))
OWS_MAX_FEATURE_INFO = int(os.environ.get("OWS_MAX_FEATURE_INFO", 50))

# The map's base layer: an XYZ template (or empty for a plain background).
GEOPORTAIL_BASEMAP_URL = os.environ.get("GEOPORTAIL_BASEMAP_URL", "")
GEOPORTAIL_BASEMAP_ATTRIBUTION = os.environ.get("GEOPORTAIL_BASEMAP_ATTRIBUTION", "")

# Layer uploads: the largest file accepted, how far an archive may expand, and
# the size above which an upload is imported by the background worker.
GEOPORTAIL_MAX_UPLOAD_BYTES = int(
    os.environ.get("GEOPORTAIL_MAX_UPLOAD_BYTES", 512 * 1024 * 1024)
)
# A regulation (règlement) PDF attached to a document in the planner pages.
GEOPORTAIL_MAX_REGULATION_BYTES = int(
    os.environ.get("GEOPORTAIL_MAX_REGULATION_BYTES", 50 * 1024 * 1024)
)
GEOPORTAIL_MAX_EXPANDED_BYTES = int(
    os.environ.get("GEOPORTAIL_MAX_EXPANDED_BYTES", 2 * 1024 * 1024 * 1024)
)
GEOPORTAIL_MAX_ARCHIVE_MEMBERS = 2000
# Any archive member, however small, compressed more than this is refused.
GEOPORTAIL_MAX_COMPRESSION_RATIO = 1000
GEOPORTAIL_INLINE_IMPORT_BYTES = int(
    os.environ.get("GEOPORTAIL_INLINE_IMPORT_BYTES", 2 * 1024 * 1024)
)
# Background work (large imports) runs on the same PostgreSQL: django-tasks-db
# queues tasks in a table, `manage.py db_worker` runs them.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "GEOPORTAIL_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"
        )
    }
}
# A running import refreshes its heartbeat every quarter of this lease; one
# whose heartbeat is older lost its worker (killed, or cut off from the
# database) and is failed as interrupted, for the planner to retry.
GEOPORTAIL_IMPORT_LEASE_SECONDS = int(
    os.environ.get("GEOPORTAIL_IMPORT_LEASE_SECONDS", 120)
)
# The background tasks' results (django-tasks-db), kept this many days after
# they finish, then deleted by the worker: imports, receipts and base maps
# keep their own status; the results are for the operator's inquiries.
GEOPORTAIL_TASK_RESULTS_DAYS = int(os.environ.get("GEOPORTAIL_TASK_RESULTS_DAYS", 14))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The admin's geometry widgets (django-leaflet): the map page's base layer when
# one is configured (its origins are in the content-security policy), else a
# plain background — never django-leaflet's default OpenStreetMap tiles.
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (33.95, -6.85),
    "DEFAULT_ZOOM": 12,
    "TILES": (
        [
            (
                _("Base map"),
                GEOPORTAIL_BASEMAP_URL,
                {"attribution": GEOPORTAIL_BASEMAP_ATTRIBUTION},
            )
        ]
        if GEOPORTAIL_BASEMAP_URL
        else []
    ),
    "RESET_VIEW": False,
}

# GDAL 3.6 is older than Django 6.1 recommends; it does all this project needs.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # pyHanko warns at every B-LT signature that it fetches no revocation
        # data: core.pades gives it the CRLs on purpose.
        "pyhanko.sign.signers.pdf_signer": {"level": "ERROR"},
    },
}

# prestations-e (payments/). The card gateway's store key signs the hash of
# every form and callback; without PAYMENTS_CMI_STORE_KEY this checkout uses
# its own generated key (.local/cmi_store_key), good only for the simulator.
PAYMENTS_CMI_STORE_KEY = os.environ.get("PAYMENTS_CMI_STORE_KEY") or local_secret(
    "cmi_store_key"
)
PAYMENTS_CMI_CLIENT_ID = os.environ.get("PAYMENTS_CMI_CLIENT_ID", "simulator")
# The gateway's hosted payment page; empty: the local simulator's.
PAYMENTS_CMI_GATEWAY_URL = os.environ.get("PAYMENTS_CMI_GATEWAY_URL", "")
# The local gateway simulator (payments/simulator.py) answers only when on.
PAYMENTS_SIMULATOR = env_bool("PAYMENTS_SIMULATOR", DEBUG)
# Cash paid at the counter from this amount (centimes of MAD) on takes the
# confirmation of two agents.
PAYMENTS_CASH_SECOND_AGENT_CENTIMES = int(
    os.environ.get("PAYMENTS_CASH_SECOND_AGENT_CENTIMES", 500_000)
)
# How long a card payment attempt may wait for the gateway before it expires,
# and a counter or transfer reference for its payment.
PAYMENTS_ATTEMPT_MINUTES = int(os.environ.get("PAYMENTS_ATTEMPT_MINUTES", 30))
PAYMENTS_COUNTER_DAYS = int(os.environ.get("PAYMENTS_COUNTER_DAYS", 15))
# A paid order's documents are issued by the worker after the payment commits
# (payments/issuing.py); a failure is tried again this many times in all, then
# left failed for the agency's staff.
PAYMENTS_ISSUE_MAX_ATTEMPTS = int(os.environ.get("PAYMENTS_ISSUE_MAX_ATTEMPTS", 5))

# PAdES signatures of the PDFs the portal issues (core/pades.py): one PKCS#12
# file per agency, <agency code>.p12, in GEOPORTAIL_PADES_DIR (its password in
# GEOPORTAIL_PADES_PASSWORD), with the CRLs of their chain (*.crl) for B-LT.
# Without it, a local test CA (.local/pades/) only when GEOPORTAIL_PADES_TEST_CA
# is on; otherwise `manage.py check --deploy` refuses (core.E101) and a PDF
# cannot be issued.
GEOPORTAIL_PADES = env_bool("GEOPORTAIL_PADES", True)
GEOPORTAIL_PADES_DIR = os.environ.get("GEOPORTAIL_PADES_DIR", "")
GEOPORTAIL_PADES_PASSWORD = os.environ.get("GEOPORTAIL_PADES_PASSWORD", "")
GEOPORTAIL_PADES_TEST_CA = env_bool("GEOPORTAIL_PADES_TEST_CA", DEBUG)
