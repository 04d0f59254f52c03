"""NUL characters, which PostgreSQL cannot hold in text: no address,
parameter name or value of the portal has one. ``geoportal.middleware``
answers such requests 400 (``NulCharacter``); the fast lanes
(``core.lanes``) leave them to it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.errors import BadRequest


class NulCharacter(BadRequest):
    """A NUL character in an address, a parameter or a JSON body; each
    surface answers it in its own form (JSON, OGC report, page)."""

    code = "nul_byte"

    def __init__(self) -> None:
        super().__init__(
            _("Addresses and parameters cannot contain a NUL character (%00).")
        )


def has_nul_byte(environ: dict) -> bool:
    """Whether the path or the query string (raw or %-escaped) holds a NUL.

    ``environ`` is a WSGI environ or a request's ``META``; the form body of a
    POST is checked by the middleware, which has it parsed.
    """
    query = environ.get("QUERY_STRING", "")
    return "\x00" in environ.get("PATH_INFO", "") or "%00" in query or "\x00" in query
