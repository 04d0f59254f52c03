"""Atom feeds of the calls for tenders, of all agencies and of each
(Django's syndication): a call enters the feed when published and again when
it changes (closing, results), by its ``updated_at``."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from layers.models import Agency
from tenders.models import CallForTenders
from tenders.selectors import calls_latest


class CallsFeed(Feed):
    """``/tenders/feed.atom``: every agency's calls."""

    feed_type = Atom1Feed

    def title(self, obj: Agency | None = None) -> str:
        return _("Calls for tenders of the urban agencies")

    def subtitle(self, obj: Agency | None = None) -> str:
        return _("Calls for tenders published on the Geoportail, latest first.")

    def link(self, obj: Agency | None = None) -> str:
        return reverse("tenders:list")

    def items(self, obj: Agency | None = None):
        return calls_latest(agency=obj)

    def item_title(self, item: CallForTenders) -> str:
        return f"{item.reference} — {item.object}"

    def item_description(self, item: CallForTenders) -> str:
        deadline = date_format(timezone.localtime(item.deadline), "DATETIME_FORMAT")
        return _("%(agency)s. %(status)s. Deadline: %(deadline)s.") % {
            "agency": item.agency.name,
            "status": item.get_status_display(),
            "deadline": deadline,
        }

    def item_link(self, item: CallForTenders) -> str:
        return reverse("tenders:call", args=[item.pk])

    def item_pubdate(self, item: CallForTenders) -> datetime.datetime:
        return datetime.datetime.combine(
            item.published_on, datetime.time(), tzinfo=timezone.get_current_timezone()
        )

    def item_updateddate(self, item: CallForTenders) -> datetime.datetime:
        return item.updated_at

    def item_author_name(self, item: CallForTenders) -> str:
        return item.agency.name


class AgencyCallsFeed(CallsFeed):
    """``/tenders/<agency>/feed.atom``: one agency's calls."""

    def get_object(self, request, agency: str) -> Agency:
        return get_object_or_404(Agency, code=agency)

    def title(self, obj: Agency | None = None) -> str:
        return _("Calls for tenders of %(agency)s") % {"agency": obj.name}

    def link(self, obj: Agency | None = None) -> str:
        return f"{reverse('tenders:list')}?agency={obj.code}"
