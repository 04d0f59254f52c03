"""The token a POSTed service request is answered with (GeoReport v2's
"batch" services): it names the filing without giving power over it — the
confirmation link is the requester's alone — and GET tokens/<token> gives
its ``service_request_id`` once the requester has confirmed."""

from __future__ import annotations

from django.core import signing
from django.utils.translation import gettext as _

from core.errors import NotFound

SALT = "requete.open311.token"


class TokenNotFound(NotFound):
    code = "token_not_found"


def token_make(case_id: int) -> str:
    """A signed token naming case ``case_id`` (it does not expire)."""
    return signing.dumps(case_id, salt=SALT, compress=False)


def token_case_id(token: str) -> int:
    """The case ``token`` names; TokenNotFound when it is not one of ours."""
    try:
        return int(signing.loads(token, salt=SALT))
    except (signing.BadSignature, TypeError, ValueError) as exc:
        raise TokenNotFound(_("No service request has this token.")) from exc
