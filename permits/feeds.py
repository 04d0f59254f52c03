"""An agency's Atom feed of its published commission results: one entry per
session, linking to its results page (Django's syndication framework)."""

from __future__ import annotations

from collections import Counter

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from layers.models import Agency
from permits.models import CommissionSession, Opinion
from permits.selectors import published_sessions

ENTRIES = 50


class SessionResultsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, agency: str) -> Agency:
        return get_object_or_404(Agency, code=agency)

    def title(self, agency: Agency) -> str:
        return _("Results of the commissions — %(agency)s") % {"agency": agency.name}

    def subtitle(self, agency: Agency) -> str:
        return _("The opinions given on permit files, anonymised.")

    def link(self, agency: Agency) -> str:
        return reverse("permits:sessions", args=[agency.code])

    def items(self, agency: Agency):
        return published_sessions(agency)[:ENTRIES]

    def item_title(self, item: CommissionSession) -> str:
        return _("%(kind)s session of %(date)s") % {
            "kind": item.get_kind_display(),
            "date": formats.date_format(item.held_on, "DATE_FORMAT"),
        }

    def item_description(self, item: CommissionSession) -> str:
        kinds = Counter(
            Opinion.objects.filter(
                item__session=item, item__file__do_not_publish=False
            ).values_list("kind", flat=True)
        )
        total = sum(kinds.values())
        parts = [
            ngettext("%(count)d file examined.", "%(count)d files examined.", total)
            % {"count": total}
        ]
        parts += [
            f"{Opinion.Kind(kind).label}: {count}"
            for kind, count in sorted(kinds.items())
        ]
        return " ".join(parts)

    def item_link(self, item: CommissionSession) -> str:
        return reverse("permits:session", args=[item.agency.code, item.pk])

    def item_pubdate(self, item: CommissionSession):
        return item.published_at

    def item_updateddate(self, item: CommissionSession):
        return item.published_at
