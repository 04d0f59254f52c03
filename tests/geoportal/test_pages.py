"""Health check, the home page, and switching language."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

REPO = Path(__file__).resolve().parents[2]


def test_healthz_reports_database_and_postgis(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"].startswith("PostgreSQL")
    assert body["postgis"].startswith("3.")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_when_the_database_is_gone():
    """A portal pointed at a database that does not answer reports 503, not 500."""
    probe = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, json.loads(r.content)['status']);"
        "print(r.content.decode())"
    )
    env = {
        **os.environ,
        "DATABASE_URL": "postgis://nobody@127.0.0.1:9/none?connect_timeout=2",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "geoportal.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True
    )
    status_line, body = result.stdout.split("\n", 1)
    assert status_line.split() == ["503", "error"], result.stderr[-2000:]
    # The public answer names no host, port, user or socket of the server.
    for secret in ("127.0.0.1", ":9", "nobody", "none", "connection"):
        assert secret not in body, body


def test_home_page_names_the_agencies_in_french_by_default(client, document):
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="fr" dir="ltr">' in page.text
    assert document.agency.name_fr in page.text


def test_arabic_switches_the_page_to_right_to_left(client, document):
    response = client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert response.status_code == 302
    page = client.get("/")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert document.agency.name_ar in page.text


def test_english_is_offered_too(client, db):
    page = client.get("/", headers={"accept-language": "en"})
    assert '<html lang="en" dir="ltr">' in page.text


def test_pages_carry_a_content_security_policy(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_language_switch_requires_csrf(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("set_language"), {"language": "ar", "next": "/"})
    assert response.status_code == 403
