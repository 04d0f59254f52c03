"""The limits against abuse as a citizen meets them, in French and in Arabic:
the permits lookup of a file number someone guessed too often (from other
addresses), an order past the address's limit, and an address that leads
nowhere — each a page in the reader's language and direction that says so."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from playwright.sync_api import expect

from accounts.throttle import quota_take
from permits.views import NUMBER_SCOPE, lookup_number_key
from tests.browser.test_first_minutes import phone_in
from tests.browser.test_payments import order  # noqa: F401 - a fixture
from tests.browser.test_permits import reviewed  # noqa: F401 - a fixture
from tests.browser_fixtures import SCREENSHOTS

pytestmark = pytest.mark.browser


def words(language: str, *texts: str) -> list[str]:
    with translation.override(language):
        return [translation.gettext(text) for text in texts]


def without_refusals_logged(session) -> None:
    """The browser logs the 404 and 429 it was meant to meet."""
    session.console_errors[:] = [
        error
        for error in session.console_errors
        if "status of 404" not in error and "status of 429" not in error
    ]


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_file_number_guessed_too_often_is_locked_even_for_its_right_code(
    session_factory,
    reviewed,  # noqa: F811 - a fixture
    settings,
    language,
):
    _session, code = reviewed
    settings.GEOPORTAIL_LOGIN_FAILURE_LIMIT = 3
    for _guess in range(3):  # wrong codes for this number, from elsewhere
        quota_take(
            scope=NUMBER_SCOPE,
            address=lookup_number_key("PC-2026-0042"),
            limit=3,
            window=datetime.timedelta(minutes=15),
        )
    look_up, number_label, code_label, locked = words(
        language,
        "Look up",
        "File number",
        "Short code",
        "Too many wrong codes were tried for this number; try again later.",
    )
    session = phone_in(session_factory, language)
    page = session.open("/permits/lookup")
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )

    page.get_by_label(number_label).fill("PC-2026-0042")
    page.get_by_label(code_label).fill(code)
    page.get_by_role("button", name=look_up).click()

    expect(page.get_by_role("alert")).to_have_text(locked)
    expect(page.locator("dd.state")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"permits-lookup-locked-{language}.png")
    without_refusals_logged(session)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_order_past_the_addresss_limit_is_refused_in_the_citizens_language(
    session_factory,
    order,  # noqa: F811 - a fixture
    settings,
    language,
):
    settings.GEOPORTAIL_ORDER_LIMIT_HOUR = 1
    place, refused = words(
        language,
        "Place the order",
        "Too many orders were placed from here; try again later.",
    )
    session = phone_in(session_factory, language)
    address = (
        f"/payments/orders/new?agency={order.agency.code}&service={order.tariff.service}"
        "&subject=TF%2099/07"
    )
    first = session.open(address)
    first.get_by_role("button", name=place).click()
    expect(first.locator("#payment-state")).to_be_visible()

    second = session.open(address)
    second.get_by_role("button", name=place).click()

    expect(second.get_by_role("alert")).to_have_text(refused)
    expect(second.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    second.screenshot(path=SCREENSHOTS / f"payments-order-limit-{language}.png")
    without_refusals_logged(session)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_address_that_leads_nowhere_says_so_in_the_readers_language(
    session_factory, transactional_db, language
):
    (title,) = words(language, "Page not found")
    session = phone_in(session_factory, language)
    page = session.open("/parcels/aurs//")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute(
        "dir", "rtl" if language == "ar" else "ltr"
    )
    without_refusals_logged(session)
