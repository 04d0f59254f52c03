"""Stored files served by the portal, to whoever may read them.

Every stored file's URL is the portal's own, ``MEDIA_URL`` + its stored name
(``FileSystemStorage``'s, and ``geoportal.bucket.BucketStorage``'s in place of
the bucket's), and this view answers it through the storage API, whatever the
storage. So the bucket stays private, and a URL frozen in an issued note's
snapshot (its regulation files) never expires as a signed bucket URL would.

Readable are the files the public pages link to: a planning document's
regulation files (by the one access policy: a document once approved, or a
planner's own agency's), the law library's PDFs and the calls for tenders'
documents (all public). Anything else — case attachments, uploads, import
files, orthophotos' COGs — is "not found" for everyone: private files have no
address at all; they are read only by the code that owns them.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from accounts.permissions import viewable
from layers.models import RegulationFile
from library.models import Text
from tenders.models import TenderDocument

# A stored name always holds the same bytes, but a file may be taken down (a
# wrong regulation removed): shared caches keep one an hour at most.
PUBLIC_MAX_AGE = 3600


def stored_file_readable(*, name: str, user) -> bool:
    """Whether ``user`` may read the stored file ``name`` (module docstring)."""
    regulations = RegulationFile.objects.filter(file=name)
    if regulations.exists():
        return viewable(user, regulations).exists()
    return (
        Text.objects.filter(Q(pdf_fr=name) | Q(pdf_ar=name)).exists()
        or TenderDocument.objects.filter(file=name).exists()
    )


@require_safe
def stored_file(request: HttpRequest, name: str) -> FileResponse:
    """The stored file ``name``, or 404 when it is not stored or not for
    this user."""
    if ".." in PurePosixPath(name).parts or not stored_file_readable(
        name=name, user=request.user
    ):
        raise Http404(name)
    try:
        stream = default_storage.open(name, "rb")
    except FileNotFoundError as error:
        raise Http404(name) from error
    response = FileResponse(stream, filename=PurePosixPath(name).name)
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    if request.user.is_authenticated:
        # A planner may read a draft's regulation: no shared cache keeps it.
        response["Cache-Control"] = "private, no-cache"
    return response
