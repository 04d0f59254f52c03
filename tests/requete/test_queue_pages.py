"""The staff queue's pages: reached from their neighbours by keyset cursors,
they visit every request exactly once under each order — ties on the sort
column and requests without a due date included — forwards and backwards,
keeping the filters; a damaged link is a 400 in the planner's language."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse

from cases.models import Case
from core.keyset import Cursor, InvalidCursor, KeysetOrder
from requete import selectors, staff_views
from requete.states import State
from tests.requete_fixtures import FILED_AT, act

QUEUE = reverse("requete-staff:queue")
ROW = re.compile(r'name="request" value="([^"]+)"')


def link(body: str, rel: str) -> str | None:
    """The query string of the page's ``rel`` link ("next", "prev"), if any."""
    found = re.search(rf'<a href="\?([^"]*)" rel="{rel}">', body)
    return html.unescape(found.group(1)) if found else None


def named_link(body: str, label: str) -> str | None:
    found = re.search(rf'<a href="\?([^"]*)">{label}</a>', body)
    return html.unescape(found.group(1)) if found else None


@pytest.fixture
def queue_of_eleven(kind, planner, file_request, monkeypatch):
    """Eleven submitted requests, three a page: four share one due date, two
    have none (their clock stopped), the rest are spread; two of them are
    in review. Returns the planner's client-free view: the references."""
    monkeypatch.setattr(staff_views, "PAGE_SIZE", 3)
    references = []
    for day in range(11):
        filed = file_request(kind, at=FILED_AT + datetime.timedelta(hours=day))
        act(
            "confirm", filed, staff=planner, at=FILED_AT + datetime.timedelta(hours=day)
        )
        references.append(filed.request.case.reference)
    for reference in references[1:3]:
        filed_case = Case.objects.get(reference=reference)
        filed_case.state = State.IN_REVIEW
        filed_case.save(update_fields=["state"])
    tie = FILED_AT + datetime.timedelta(days=40)
    Case.objects.filter(reference__in=references[3:7]).update(answer_due_at=tie)
    Case.objects.filter(reference__in=references[7:9]).update(answer_due_at=None)
    return references


def expected(planner, **filters) -> list[str]:
    queue = selectors.request_queue(
        user=planner, filters=selectors.QueueFilters(**filters)
    )
    return [request.case.reference for request in queue]


def walk(client, first: dict, rel: str) -> tuple[list[list[str]], list[str]]:
    """Follow ``rel`` links from the page ``first``: the rows of each page
    and the "Page n of m" each says."""
    pages, numbers = [], []
    response = client.get(QUEUE, first)
    while True:
        assert response.status_code == 200
        body = response.content.decode()
        pages.append(ROW.findall(body))
        numbers.append(re.search(r"Page (\d+) sur (\d+)", body).group(0))
        following = link(body, rel)
        if following is None:
            return pages, numbers
        response = client.get(f"{QUEUE}?{following}")


@pytest.mark.parametrize("sort", ["", "submitted"])
def test_paging_visits_every_request_once_under_each_order(
    client, planner, queue_of_eleven, sort
):
    client.force_login(planner)
    order = expected(planner, sort=sort or "due")
    assert sorted(order) == sorted(queue_of_eleven)
    if not sort:
        # Due first, the four ties by id, the two without a due date last.
        assert order[-2:] == queue_of_eleven[7:9]
    else:
        assert order == queue_of_eleven[::-1]
    forwards, numbers = walk(client, {"sort": sort}, "next")
    assert [len(page) for page in forwards] == [3, 3, 3, 2]
    assert [row for page in forwards for row in page] == order
    assert numbers == ["Page 1 sur 4", "Page 2 sur 4", "Page 3 sur 4", "Page 4 sur 4"]

    body = client.get(QUEUE, {"sort": sort}).content.decode()
    last = named_link(body, "Dernière page")
    backwards, numbers = walk(client, dict(_pairs(last)), "prev")
    assert backwards == forwards[::-1]
    assert numbers == ["Page 4 sur 4", "Page 3 sur 4", "Page 2 sur 4", "Page 1 sur 4"]


def _pairs(query: str) -> list[tuple[str, str]]:
    return [tuple(part.split("=", 1)) for part in query.split("&")]


def test_filters_survive_paging(client, planner, queue_of_eleven):
    client.force_login(planner)
    filters = {"state": "submitted", "sort": "submitted"}
    order = expected(planner, state=State.SUBMITTED, sort="submitted")
    assert len(order) == 9
    pages, numbers = walk(client, filters, "next")
    assert [row for page in pages for row in page] == order
    assert numbers[-1] == "Page 3 sur 3"
    body = client.get(QUEUE, filters).content.decode()
    following = link(body, "next")
    assert "state=submitted" in following
    assert "sort=submitted" in following
    # The CSV and bulk assignment keep the filters, never a page.
    assert 'name="query" value="state=submitted&amp;sort=submitted"' in body


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Ce lien vers une page de la liste des requêtes est abîmé"),
        ("ar", "هذا الرابط إلى صفحة من قائمة الطلبات تالف"),
    ],
)
def test_a_damaged_page_link_is_refused_in_the_planners_language(
    client, planner, queue_of_eleven, language, message
):
    client.force_login(planner)
    response = client.get(
        QUEUE, {"after": "12x.4"}, headers={"accept-language": language}
    )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())


def test_a_bare_page_number_opens_the_first_page(client, planner, queue_of_eleven):
    """An old link's ``?page=300``: the first page, numbered as such."""
    client.force_login(planner)
    body = client.get(QUEUE, {"page": 300}).content.decode()
    assert ROW.findall(body) == expected(planner)[:3]
    assert "Page 1 sur 4" in body


@pytest.mark.parametrize(
    "cursor",
    [
        Cursor(value=None, pk=7),
        Cursor(
            value=datetime.datetime(2026, 12, 5, 21, 3, 20, 123456, datetime.UTC), pk=1
        ),
    ],
)
def test_a_cursor_reads_back_as_written(cursor):
    assert Cursor.parse(cursor.text()) == cursor


@pytest.mark.parametrize(
    "text", ["", "1.", ".1", "1.2.3", "-1.2", "x.1", "9" * 20 + ".1"]
)
def test_a_cursor_the_page_did_not_write_is_refused(text):
    with pytest.raises(InvalidCursor):
        Cursor.parse(text)


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("size", [1, 2, 4])
def test_keyset_pages_cover_ties_and_nulls_both_ways(queue_of_eleven, descending, size):
    """Any page size, either direction: the pages, walked forwards from the
    first or backwards from the last, are the whole order cut in pieces."""
    order = KeysetOrder(field="answer_due_at", pk="id", descending=descending)
    cases = Case.objects.filter(reference__in=queue_of_eleven)
    whole = list(cases.order_by(*order.order_by()))
    assert [case.answer_due_at for case in whole].count(None) == 2
    forwards, page = [], order.page(cases, size=size)
    while True:
        forwards += page.rows
        if not page.has_next:
            break
        page = order.page(cases, size=size, after=page.last)
    assert forwards == whole
    remainder = len(whole) % size or size
    backwards, page = [], order.page(cases, size=size, last=True, last_size=remainder)
    while True:
        backwards = page.rows + backwards
        if not page.has_previous:
            break
        page = order.page(cases, size=size, before=page.first)
    assert backwards == whole


@pytest.mark.parametrize("sort", ["due", "submitted"])
def test_the_api_pages_by_cursor_visit_every_request_once(
    client, planner, queue_of_eleven, sort, monkeypatch
):
    from requete import api

    monkeypatch.setattr(api, "QUEUE_PAGE", 4)
    client.force_login(planner)
    seen, params = [], {"sort": sort, "state": "submitted"}
    while True:
        answer = client.get("/api/v1/requests", params)
        assert answer.status_code == 200
        body = answer.json()
        seen.append([row["reference"] for row in body["requests"]])
        if body["next"] is None:
            break
        params = {**params, "after": body["next"]}
    assert [len(page) for page in seen] == [4, 4, 1]
    assert [row for page in seen for row in page] == expected(
        planner, state=State.SUBMITTED, sort=sort
    )
    # offset still counts from the start, and names the same next page.
    by_offset = client.get("/api/v1/requests", {"sort": sort, "offset": 4}).json()
    assert [row["reference"] for row in by_offset["requests"]] == expected(
        planner, sort=sort
    )[4:8]


@pytest.mark.parametrize(
    "params",
    [{"after": "12x.4"}, {"after": "1.2", "offset": "4"}, {"sort": "oldest"}],
)
def test_the_api_refuses_a_cursor_it_did_not_give(
    client, planner, queue_of_eleven, params
):
    client.force_login(planner)
    answer = client.get("/api/v1/requests", params, headers={"accept-language": "ar"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_filter"
    assert (
        "يجب" in answer.json()["error"]["message"]
        or "حددوا" in (answer.json()["error"]["message"])
    )
