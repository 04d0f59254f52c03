"""A local stand-in for the card gateway, for development, tests and the demo.

It plays the bank's side of ``payments.providers.cmi``: it checks the
merchant's signed form, lets the tester approve or decline, posts a callback
signed with the same store key to the merchant's ``callbackUrl`` (server to
server, over HTTP, as the real gateway does) and sends the browser back. It
has no way to skip a hash: the merchant's side checks its callbacks exactly
as it checks the real gateway's. Its pages answer 404 unless
``PAYMENTS_SIMULATOR`` is on (by default only with ``DJANGO_DEBUG``).
"""

from __future__ import annotations

import secrets
import urllib.parse
import urllib.request

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments.providers.cmi import cmi_hash, cmi_hash_valid


def simulated_callback(form_fields: dict[str, str], *, approved: bool) -> dict:
    """The callback the gateway posts for a payment asked with ``form_fields``:
    the form's fields, the outcome, and a new ``HASH`` with the store key."""
    fields = {k: v for k, v in form_fields.items() if k.lower() != "hash"}
    fields.update(
        ProcReturnCode="00" if approved else "05",
        Response="Approved" if approved else "Declined",
        mdStatus="1",
        TransId=secrets.token_hex(8),
        AuthCode=secrets.token_hex(3) if approved else "",
    )
    fields["HASH"] = cmi_hash(fields, settings.PAYMENTS_CMI_STORE_KEY)
    return fields


def _signed_form(request: HttpRequest) -> dict[str, str]:
    if not settings.PAYMENTS_SIMULATOR:
        raise Http404
    fields = {k: v for k, v in request.POST.items() if k != "outcome"}
    if not cmi_hash_valid(fields, settings.PAYMENTS_CMI_STORE_KEY):
        # What the real gateway does with a form it cannot authenticate.
        raise Http404
    return fields


# The simulator stands for another site: the merchant's form comes without
# our CSRF token, authenticated by its hash.
@csrf_exempt
@require_POST
def simulator_pay(request: HttpRequest) -> HttpResponse:
    """The hosted payment page: approve or decline."""
    return render(request, "payments/simulator.html", {"fields": _signed_form(request)})


@csrf_exempt
@require_POST
def simulator_decide(request: HttpRequest) -> HttpResponse:
    """Post the signed callback, then send the browser back to the merchant."""
    fields = _signed_form(request)
    approved = request.POST.get("outcome") == "approve"
    body = urllib.parse.urlencode(simulated_callback(fields, approved=approved))
    # The merchant's answer (ACTION=POSTAUTH, APPROVED, FAILURE) is the
    # merchant's business; the simulator captures nothing either way.
    with urllib.request.urlopen(  # noqa: S310 (the address is the merchant's own)
        fields["callbackUrl"], data=body.encode(), timeout=10
    ) as answer:
        answer.read()
    return HttpResponseRedirect(fields["okUrl" if approved else "failUrl"])
