"""``geoportal_fold(text)``: the one form in which the search box compares words
(``layers.search.Fold``), and feature labels stored folded with trigram indexes.

Lower case, accents dropped (``unaccent``) and Arabic spelled one way: the hamza
forms of alef (أ إ آ ٱ) as ا, alef maqsura ى as ي, taa marbuta ة as ه, hamza on
waw and yaa (ؤ ئ) as و and ي; short vowels, tanwin, shadda, sukun, superscript
alef and tatweel dropped. It is IMMUTABLE (``unaccent`` with its dictionary
named is), so generated columns can store it.
"""

import django.contrib.postgres.indexes
import layers.search
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

FOLD = """
CREATE FUNCTION geoportal_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN translate(
  lower(public.unaccent('public.unaccent'::regdictionary, $1)),
  'أإآٱىةؤئًٌٍَُِّْٰـ',
  'اااايهوي'
);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('layers', '0011_reference_layers'),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunSQL(FOLD, "DROP FUNCTION geoportal_fold(text);"),
        migrations.AddField(
            model_name='feature',
            name='label_ar_folded',
            field=models.GeneratedField(db_persist=True, expression=layers.search.Fold('label_ar'), output_field=models.TextField()),
        ),
        migrations.AddField(
            model_name='feature',
            name='label_fr_folded',
            field=models.GeneratedField(db_persist=True, expression=layers.search.Fold('label_fr'), output_field=models.TextField()),
        ),
        migrations.AddIndex(
            model_name='feature',
            index=django.contrib.postgres.indexes.GinIndex(fields=['label_fr_folded'], name='feature_label_fr_folded', opclasses=['gin_trgm_ops']),
        ),
        migrations.AddIndex(
            model_name='feature',
            index=django.contrib.postgres.indexes.GinIndex(fields=['label_ar_folded'], name='feature_label_ar_folded', opclasses=['gin_trgm_ops']),
        ),
    ]
