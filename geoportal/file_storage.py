"""The system check of the stored files' settings (``GEOPORTAIL_STORAGE``).

``geoportal.settings.file_storage_settings`` builds ``STORAGES["default"]``
from the environment; a bucket without a name, or half a key pair, would
only fail at the first upload, in front of a planner. The check says it at
start-up (``manage.py check``, the web server, the worker), to the operator,
in English.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

KINDS = ("filesystem", "s3")
ADDRESSING_STYLES = ("auto", "path", "virtual")


def file_storage_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """geoportal.E005 when GEOPORTAIL_STORAGE names no known storage,
    geoportal.E006 for each S3 setting missing or wrong when it is "s3"."""
    kind = settings.GEOPORTAIL_STORAGE
    if kind not in KINDS:
        return [
            checks.Error(
                f"GEOPORTAIL_STORAGE is {kind!r}: it must be one of "
                f"{', '.join(KINDS)}.",
                id="geoportal.E005",
            )
        ]
    if kind != "s3":
        return []
    options = settings.STORAGES["default"].get("OPTIONS", {})
    problems = []
    if not options.get("bucket_name"):
        problems.append("GEOPORTAIL_S3_BUCKET must name the bucket of stored files.")
    if bool(options.get("access_key")) != bool(options.get("secret_key")):
        problems.append(
            "GEOPORTAIL_S3_ACCESS_KEY and GEOPORTAIL_S3_SECRET_KEY go together: "
            "set both, or neither to use boto3's own credentials (an instance "
            "role, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)."
        )
    style = options.get("addressing_style")
    if style is not None and style not in ADDRESSING_STYLES:
        problems.append(
            f"GEOPORTAIL_S3_ADDRESSING_STYLE is {style!r}: it must be one of "
            f"{', '.join(ADDRESSING_STYLES)} (path for most servers other than "
            "AWS's own)."
        )
    return [checks.Error(problem, id="geoportal.E006") for problem in problems]
