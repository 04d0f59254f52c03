"""Which version of a layer a download request gets, for whom."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.permissions import viewable
from core.errors import NotFound
from layers.downloads.params import DownloadQuery
from layers.in_force import public_in_force_q
from layers.models import Layer, LayerVersion


def version_for_download(*, layer: Layer, query: DownloadQuery, user) -> LayerVersion:
    """The version of ``layer`` that ``query`` asks for, among those ``user``
    may read (``accounts.permissions``: published history for everyone, drafts
    only for their agency's planners and administrators).

    With ``at``: the version public and in force then (``layers.in_force``);
    with ``version``: that number; else the published one. Raises NotFound
    when there is none (a draft asked for by the public is none).
    """
    versions = viewable(user, LayerVersion.objects.filter(layer=layer))
    if query.version is not None:
        found = versions.filter(number=query.version).first()
        missing = _("This layer has no version %(number)s.") % {"number": query.version}
    elif query.at is not None:
        found = versions.filter(public_in_force_q(query.at)).first()
        missing = _("No version of this layer was in force on %(day)s.") % {
            "day": formats.date_format(timezone.localdate(query.at), "DATE_FORMAT")
        }
    else:
        found = versions.filter(status=LayerVersion.Status.PUBLISHED).first()
        missing = _("This layer has no published version.")
    if found is None:
        raise NotFound(missing, code="no_version")
    return found
