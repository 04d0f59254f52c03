"""Production settings: everything of ``geoportal.settings``, hardened for HTTPS.

DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS must come from the environment here.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from geoportal.settings import *  # noqa: F403
from geoportal.settings import env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random string of 50 characters or more."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the portal's hosts.")
# Every server must sign notes with the same key: a key generated per machine
# (the local default) would make notes of one server unverifiable on another.
if not os.environ.get("GEOPORTAIL_SIGNING_KEY"):
    raise ImproperlyConfigured(
        "GEOPORTAIL_SIGNING_KEY must hold the Ed25519 key that signs notes."
    )

# Every issued document's QR code names its verification page on the
# portal's public address (documents.services.document_base_url): documents
# issued without a request at hand (a payment's callback, a background task)
# have no other.
if not os.environ.get("GEOPORTAIL_PUBLIC_URL"):
    raise ImproperlyConfigured(
        "GEOPORTAIL_PUBLIC_URL must hold the portal's public address "
        "(https://…), which issued documents' QR codes name."
    )

# The card gateway simulator signs approvals with the store key: never here.
PAYMENTS_SIMULATOR = False
# With a real card gateway, its store key is the one the bank gave: a key
# generated per machine would refuse the gateway's callbacks.
if PAYMENTS_CMI_GATEWAY_URL and not os.environ.get("PAYMENTS_CMI_STORE_KEY"):  # noqa: F405
    raise ImproperlyConfigured(
        "PAYMENTS_CMI_STORE_KEY must hold the card gateway's store key when "
        "PAYMENTS_CMI_GATEWAY_URL is set."
    )

# Issued PDFs are signed with each agency's own certificate (core/pades.py);
# the local test CA's signatures are trusted by no one: never here.
GEOPORTAIL_PADES_TEST_CA = False
if GEOPORTAIL_PADES and not GEOPORTAIL_PADES_DIR:  # noqa: F405
    raise ImproperlyConfigured(
        "GEOPORTAIL_PADES_DIR must name the folder of the agencies' PKCS#12 "
        "files (<agency code>.p12) that sign issued PDFs, or set "
        "GEOPORTAIL_PADES=false."
    )

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31_536_000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

# Notifications' e-mails leave by SMTP (the console of the development
# settings sends nothing): the relay and its account from the environment.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MAILERS = {
    "default": {
        "BACKEND": os.environ.get("GEOPORTAIL_EMAIL_BACKEND", SMTP_BACKEND),
    }
}
if MAILERS["default"]["BACKEND"] == SMTP_BACKEND:
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("GEOPORTAIL_SMTP_HOST", "localhost"),
        "port": int(os.environ.get("GEOPORTAIL_SMTP_PORT", 587)),
        "username": os.environ.get("GEOPORTAIL_SMTP_USER", ""),
        "password": os.environ.get("GEOPORTAIL_SMTP_PASSWORD", ""),
        "use_tls": env_bool("GEOPORTAIL_SMTP_STARTTLS", True),
    }
