"""The S3-compatible storage of ``GEOPORTAIL_STORAGE=s3``: django-storages'
``S3Storage``, whose files' URLs are the portal's own.

A bucket's URL for a private bucket is signed and expires (an hour by
default): frozen in an issued note's snapshot, or in what a process keeps of
an agency's documents (``notes/planning.py``), it would soon be a dead link.
The portal's own URL (``MEDIA_URL`` + the stored name, as the filesystem
storage gives) is answered by ``geoportal.public_files``, which reads the
bucket and decides who may read what; the bucket is never reachable by URL.
"""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class BucketStorage(S3Storage):
    """S3Storage with the portal's URLs (module docstring)."""

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        """``MEDIA_URL`` + ``name``, the address ``public_files`` serves."""
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))
