"""Zone rules cite the law library's articles by reference (layers/citations.py).

A rule whose free ``articles`` text is nothing but references
("loi-12-90:art-40, loi-25-90:art-1") has them moved into ``citations``; any
other text ("Art. 10–13", the document's own regulation) stays as it was.
They are not checked against the library here: its texts may be imported
after the migration; the forms check what planners write from now on.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import re

from django.db import migrations, models

# As layers.citations has them today (a migration keeps its own copy).
REFERENCE = re.compile(r"[a-z0-9][a-z0-9-]*:art-[a-z0-9][a-z0-9-]*")
SEPARATORS = re.compile(r"[\s,;،؛]+")


def articles_to_citations(apps, schema_editor):
    ZoneRule = apps.get_model("layers", "ZoneRule")
    for rule in ZoneRule.objects.exclude(articles="").only("id", "articles"):
        pieces = [p.lower() for p in SEPARATORS.split(rule.articles.strip()) if p]
        if pieces and all(REFERENCE.fullmatch(piece) for piece in pieces):
            ZoneRule.objects.filter(pk=rule.pk).update(
                citations=list(dict.fromkeys(pieces)), articles=""
            )


class Migration(migrations.Migration):

    dependencies = [
        ('layers', '0015_regulation_file_language_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='zonerule',
            name='citations',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=80), blank=True, default=list, verbose_name='articles of the law cited'),
        ),
        migrations.AddIndex(
            model_name='zonerule',
            index=django.contrib.postgres.indexes.GinIndex(fields=['citations'], name='zone_rule_citations'),
        ),
        migrations.RunPython(articles_to_citations, migrations.RunPython.noop),
    ]
