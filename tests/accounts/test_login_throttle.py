"""Password guessing: logins are throttled per account and per client address."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts.throttle import client_address

WRONG = "not-the-password"


def login(client, username, password, *, address="203.0.113.7", language="fr"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, planner):
    for _attempt in range(30):
        login(client, "planner", WRONG)
    page = login(client, "planner", "not-a-real-password-1", language="ar")
    assert page.status_code == 429
    assert int(page["Retry-After"]) > 0
    assert "محاولات" in page.text  # the lockout page in the user's language
    assert not logged_in(client)


def test_the_locked_account_is_refused_from_another_address(client, planner):
    for _attempt in range(30):
        login(client, "planner", WRONG, address="203.0.113.7")
    page = login(client, "planner", "not-a-real-password-1", address="198.51.100.9")
    assert page.status_code == 429
    assert not logged_in(client)


def test_an_address_guessing_is_refused_for_other_accounts_too(
    client, planner, other_planner
):
    for number in range(30):
        login(client, f"guess-{number}", WRONG)
    page = login(client, "other-planner", "not-a-real-password-2", language="en")
    assert page.status_code == 429
    assert "Too many login attempts" in page.text
    assert not logged_in(client)


def test_a_right_password_before_the_limit_logs_in(client, planner, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "planner", WRONG).status_code == 200
    page = login(client, "planner", "not-a-real-password-1")
    assert page.status_code == 302
    assert logged_in(client)


def test_other_accounts_and_addresses_are_not_locked(client, planner, other_planner):
    for _attempt in range(30):
        login(client, "planner", WRONG, address="203.0.113.7")
    page = login(client, "other-planner", "not-a-real-password-2", address="192.0.2.1")
    assert page.status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.2"),  # no proxy: the header is the client's own
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "198.51.100.1, 192.0.2.1", "192.0.2.1"),  # the left is the client's
        (2, "198.51.100.1, 192.0.2.1", "198.51.100.1"),
        (2, "192.0.2.1", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_the_client_address_trusts_only_the_proxies_in_front(
    rf, settings, proxies, forwarded, expected
):
    settings.GEOPORTAIL_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_guesses_behind_a_proxy_count_against_the_client(client, planner, settings):
    settings.GEOPORTAIL_PROXY_COUNT = 1
    for number in range(30):
        client.post(
            reverse("admin:login"),
            {"username": "planner", "password": WRONG},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 203.0.113.7",
        )
    page = login(client, "other-planner", "x", address="10.0.0.2")
    # The proxy's own address is not locked, the client's address is.
    assert page.status_code == 200
    page = client.post(
        reverse("admin:login"),
        {"username": "someone", "password": WRONG},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert page.status_code == 429


def test_logins_open_again_after_the_cool_off(client, planner, settings):
    for _attempt in range(30):
        login(client, "planner", WRONG)
    assert login(client, "planner", "not-a-real-password-1").status_code == 429
    cooloff = datetime.timedelta(minutes=settings.GEOPORTAIL_LOGIN_COOLOFF_MINUTES)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cooloff)
    assert login(client, "planner", "not-a-real-password-1").status_code == 302


def test_the_planner_login_is_the_throttled_login(client, planner):
    # Planner pages send to the planner's login page, throttled like the admin's.
    page = client.get("/planner/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:login"))
    home = client.get("/", headers={"accept-language": "en"})
    assert f'href="{reverse("accounts:login")}"' in home.text
    assert f'href="{reverse("admin:login")}"' not in home.text
    for _attempt in range(30):
        login(client, "planner", WRONG)
    refused = client.post(
        reverse("accounts:login"),
        {"username": "planner", "password": "not-a-real-password-1"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert refused.status_code == 429
    assert client.get("/planner/").status_code == 302


def test_the_planner_login_leads_to_the_workspace(client, planner):
    page = client.post(
        reverse("accounts:login"),
        {"username": "planner", "password": "not-a-real-password-1"},
        REMOTE_ADDR="203.0.113.8",
    )
    assert page.status_code == 302
    assert page["Location"] == reverse("layers:planner")
    home = client.get(page["Location"], headers={"accept-language": "en"})
    assert home.status_code == 200
    assert f'href="{reverse("layers:planner")}"' in home.text
    assert f'href="{reverse("admin:index")}"' not in home.text
