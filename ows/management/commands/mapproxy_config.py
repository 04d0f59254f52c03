"""``manage.py mapproxy_config``: write MapProxy's configuration of the
portal's WMS layers (``ows.mapproxy``)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ows.mapproxy import (
    GRID_LEVELS,
    mapproxy_caches_prune,
    mapproxy_config_build,
    mapproxy_config_write,
)


class Command(BaseCommand):
    help = (
        "Write a MapProxy configuration caching every layer of the public WMS "
        "on the GLOBAL_WEBMERCATOR grid, its caches named by the catalogue "
        "revision and the code's release. Written only when it changed: run "
        "it after each publish, each release and at midnight (or every minute)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, type=Path, help="the mapproxy.yaml to write"
        )
        parser.add_argument(
            "--cache-dir",
            required=True,
            type=Path,
            help="the folder of the tile caches (shared by MapProxy's nodes)",
        )
        parser.add_argument(
            "--portal-url",
            default="",
            help="the portal's address MapProxy asks (GEOPORTAIL_PUBLIC_URL by "
            "default), e.g. the web nodes' load balancer",
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="delete the caches neither this configuration nor the one it "
            "replaces names (older revisions and releases)",
        )
        parser.add_argument(
            "--seed-output",
            type=Path,
            help="also write mapproxy-seed's configuration of these caches "
            "(each layer over its extent) to this file",
        )
        parser.add_argument(
            "--seed-levels",
            nargs=2,
            type=int,
            default=(0, 14),
            metavar=("FIRST", "LAST"),
            help="the levels to seed (default: 0 14)",
        )

    def handle(self, *args, **options):
        portal_url = options["portal_url"] or settings.GEOPORTAIL_PUBLIC_URL
        if not portal_url:
            raise CommandError(
                _(
                    "Give --portal-url or set GEOPORTAIL_PUBLIC_URL: MapProxy "
                    "asks the portal's WMS at that address."
                )
            )
        first, last = options["seed_levels"]
        if not 0 <= first <= last < GRID_LEVELS:
            raise CommandError(
                _("Seed levels go from 0 to %(last)d, the first not after the last.")
                % {"last": GRID_LEVELS - 1}
            )
        config = mapproxy_config_build(
            portal_url=portal_url,
            cache_dir=options["cache_dir"].resolve(),
            seed_levels=(first, last) if options["seed_output"] else None,
        )
        output = options["output"]
        replaced = output.read_text(encoding="utf-8") if output.exists() else None
        count = len(config.layer_names)
        values = {"path": output, "count": count, "revision": config.revision}
        if mapproxy_config_write(text=config.text, path=output):
            message = ngettext(
                "%(path)s written: %(count)d layer, catalogue revision %(revision)s.",
                "%(path)s written: %(count)d layers, catalogue revision %(revision)s.",
                count,
            )
        else:
            message = ngettext(
                "%(path)s unchanged: %(count)d layer, catalogue revision %(revision)s.",
                "%(path)s unchanged: %(count)d layers, catalogue revision "
                "%(revision)s.",
                count,
            )
        self.stdout.write(message % values)
        if options["prune"]:
            removed = mapproxy_caches_prune(
                cache_dir=options["cache_dir"].resolve(),
                kept=[text for text in (config.text, replaced) if text],
            )
            message = ngettext(
                "%(count)d cache no longer served deleted.",
                "%(count)d caches no longer served deleted.",
                len(removed),
            )
            self.stdout.write(message % {"count": len(removed)})
        if config.seed_text is not None:
            seed = options["seed_output"]
            if mapproxy_config_write(text=config.seed_text, path=seed):
                message = _("Seeding configuration %(path)s written.")
            else:
                message = _("Seeding configuration %(path)s unchanged.")
            self.stdout.write(message % {"path": seed})
