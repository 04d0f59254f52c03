"""HTTP caching of public map answers (map images, vector tiles, TileJSON).

What the public sees of a map changes only when something is published, so its
answers carry a strong ETag computed from what they depend on, and
``Cache-Control: public, no-cache``: any cache (a browser, the nginx
``proxy_cache`` of ``deploy/nginx``, a CDN) may keep the answer but asks again
every time, and the portal answers 304 while the ETag holds — at the cost of a
revision read, without drawing. A publish changes the ETag, so no cache ever
serves a stale map and nothing needs purging. So does a release of the code
that draws: every ETag names it too (``code_version``), so that a new style
or renderer is not hidden behind answers the old one drew.
"""

from __future__ import annotations

import functools
import hashlib
import os

from django.conf import settings
from django.http import HttpResponse

SHARED_REVALIDATED = "public, no-cache"

# nginx stores an answer only for a time of validity, never one that says
# no-cache. "@1", an instant long past (nginx's absolute form of
# X-Accel-Expires), makes it store the answer already expired, so that it
# revalidates on every use (``proxy_cache_revalidate``). nginx does not pass
# the header on; other caches ignore it.
NGINX_EXPIRES = "@1"


# Not the portal's own code: what a checkout holds beside it.
_NOT_CODE = {".venv", ".local", ".git", "node_modules", "tests", "benchmarks", "data"}


@functools.cache
def code_version() -> str:
    """The release of the code serving these answers: ``GEOPORTAIL_RELEASE``
    when the deployment names it (a commit), else a digest of the portal's
    Python source and static files, read once a process (≈ 15 ms). Web nodes
    running the same code name the same release."""
    if settings.GEOPORTAIL_RELEASE:
        return settings.GEOPORTAIL_RELEASE
    digest = hashlib.sha256()
    root = settings.BASE_DIR
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(name for name in folders if name not in _NOT_CODE)
        for name in sorted(files):
            if name.endswith((".py", ".js", ".json", ".css")):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, root).encode() + b"\0")
                with open(path, "rb") as source:
                    digest.update(source.read())
    return digest.hexdigest()[:16]


def strong_etag(*parts: object) -> str:
    """A strong ETag naming ``parts`` (their ``repr``, in order) and the
    release of the code (``code_version``)."""
    digest = hashlib.sha256(repr((code_version(), parts)).encode()).hexdigest()[:32]
    return f'"{digest}"'


def none_match_holds(if_none_match: str, etag: str) -> bool:
    """Whether an If-None-Match header value names ``etag`` (or is ``*``)."""
    if if_none_match.strip() == "*":
        return True
    return etag in (tag.strip() for tag in if_none_match.split(","))


def shared_revalidated(response: HttpResponse, etag: str) -> HttpResponse:
    """``response`` marked for shared caches: kept, revalidated on each use."""
    response["ETag"] = etag
    response["Cache-Control"] = SHARED_REVALIDATED
    response["X-Accel-Expires"] = NGINX_EXPIRES
    return response
