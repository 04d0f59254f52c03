"""HTTP caching of public map answers (map images, vector tiles, TileJSON).

What the public sees of a map changes only when something is published, so its
answers carry a strong ETag computed from what they depend on, and
``Cache-Control: public, no-cache``: any cache (a browser, the nginx
``proxy_cache`` of ``deploy/nginx``, a CDN) may keep the answer but asks again
every time, and the portal answers 304 while the ETag holds — at the cost of a
revision read, without drawing. A publish changes the ETag, so no cache ever
serves a stale map and nothing needs purging.
"""

from __future__ import annotations

import hashlib

from django.http import HttpResponse

SHARED_REVALIDATED = "public, no-cache"

# nginx stores an answer only for a time of validity, never one that says
# no-cache. "@1", an instant long past (nginx's absolute form of
# X-Accel-Expires), makes it store the answer already expired, so that it
# revalidates on every use (``proxy_cache_revalidate``). nginx does not pass
# the header on; other caches ignore it.
NGINX_EXPIRES = "@1"


def strong_etag(*parts: object) -> str:
    """A strong ETag naming ``parts`` (their ``repr``, in order)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
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
