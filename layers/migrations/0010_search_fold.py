"""``geoportal_fold(text)``: the one form in which the search box compares words
(``layers.search.Fold``), and trigram indexes on folded feature labels.

Lower case, accents dropped (``unaccent``) and Arabic spelled one way: the hamza
forms of alef (أ إ آ ٱ) as ا, alef maqsura ى as ي, taa marbuta ة as ه, hamza on
waw and yaa (ؤ ئ) as و and ي; short vowels, tanwin, shadda, sukun, superscript
alef and tatweel dropped. It is IMMUTABLE (``unaccent`` with its dictionary
named is) so that ``pg_trgm`` indexes can hold folded text.
"""

import django.contrib.postgres.indexes
import layers.search
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

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
        ('layers', '0009_reference_layers'),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunSQL(FOLD, "DROP FUNCTION geoportal_fold(text);"),
        migrations.AddIndex(
            model_name='feature',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(layers.search.Fold('label_fr'), name='gin_trgm_ops'), name='feature_label_fr_folded'),
        ),
        migrations.AddIndex(
            model_name='feature',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(layers.search.Fold('label_ar'), name='gin_trgm_ops'), name='feature_label_ar_folded'),
        ),
    ]
