"""The law library's texts and article wordings, with the two text search
configurations and the digit-folding function their generated columns use
(``library.folding``)."""

import django.contrib.postgres.constraints
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.constraints
import django.db.models.deletion
import layers.search
import library.folding
import library.models
from django.db import migrations, models


SEARCH_SQL = """
CREATE FUNCTION geoportal_fold_digits(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN translate(
  geoportal_fold($1), '٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹', '01234567890123456789'
);
CREATE TEXT SEARCH CONFIGURATION geoportal_fr (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION geoportal_fr
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
  WITH public.unaccent, pg_catalog.french_stem;
CREATE TEXT SEARCH CONFIGURATION geoportal_ar (COPY = pg_catalog.arabic);
"""

UNDO_SQL = """
DROP TEXT SEARCH CONFIGURATION geoportal_ar;
DROP TEXT SEARCH CONFIGURATION geoportal_fr;
DROP FUNCTION geoportal_fold_digits(text);
"""


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('layers', '0012_search_fold'),
    ]

    operations = [
        migrations.RunSQL(SEARCH_SQL, UNDO_SQL),
        migrations.CreateModel(
            name='Text',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('law', 'Law'), ('decree', 'Decree'), ('order', 'Order'), ('circular', 'Circular'), ('regulation', 'Regulation of a planning document'), ('procedure', 'Procedure guide'), ('procurement', 'Procurement text')], max_length=16, verbose_name='kind')),
                ('number', models.CharField(max_length=40, verbose_name='number')),
                ('key', models.SlugField(max_length=60, unique=True, verbose_name='reference')),
                ('title_fr', models.CharField(max_length=500, verbose_name='title (French)')),
                ('title_ar', models.CharField(blank=True, max_length=500, verbose_name='title (Arabic)')),
                ('signed_on', models.DateField(blank=True, null=True, verbose_name='signed on')),
                ('published_on', models.DateField(blank=True, null=True, verbose_name='published on')),
                ('in_force_on', models.DateField(blank=True, null=True, verbose_name='in force from')),
                ('repealed_on', models.DateField(blank=True, null=True, verbose_name='repealed on')),
                ('bulletin', models.CharField(blank=True, max_length=200, verbose_name='official bulletin')),
                ('authority_fr', models.CharField(max_length=200, verbose_name='issuing authority (French)')),
                ('authority_ar', models.CharField(blank=True, max_length=200, verbose_name='issuing authority (Arabic)')),
                ('status', models.CharField(choices=[('pending', 'Not yet in force'), ('in_force', 'In force'), ('amended', 'In force, amended'), ('repealed', 'Repealed')], default='in_force', max_length=16, verbose_name='status')),
                ('is_excerpt', models.BooleanField(default=False, verbose_name='excerpts only')),
                ('pdf_fr', models.FileField(blank=True, upload_to='library/', verbose_name='PDF (French)')),
                ('pdf_ar', models.FileField(blank=True, upload_to='library/', verbose_name='PDF (Arabic)')),
                ('extracted_fr', models.TextField(blank=True, default='')),
                ('extracted_ar', models.TextField(blank=True, default='')),
                ('from_demo_data', models.BooleanField(default=False, editable=False)),
                ('number_key', models.GeneratedField(db_persist=True, expression=library.folding.NumberKey('number'), output_field=models.TextField())),
                ('title_fr_folded', models.GeneratedField(db_persist=True, expression=layers.search.Fold('title_fr'), output_field=models.TextField())),
                ('title_ar_folded', models.GeneratedField(db_persist=True, expression=library.folding.FoldDigits('title_ar'), output_field=models.TextField())),
                ('search_fr', models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.SearchVector(library.models.Joined('number', 'title_fr', 'extracted_fr'), config='geoportal_fr'), output_field=django.contrib.postgres.search.SearchVectorField())),
                ('search_ar', models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.SearchVector(library.folding.FoldDigits(library.models.Joined('number', 'title_ar', 'extracted_ar')), config='geoportal_ar'), output_field=django.contrib.postgres.search.SearchVectorField())),
            ],
            options={
                'verbose_name': 'legal text',
                'verbose_name_plural': 'legal texts',
                'ordering': ['kind', 'number'],
                'indexes': [models.Index(fields=['number_key'], name='text_number_key'), django.contrib.postgres.indexes.GinIndex(fields=['title_fr_folded'], name='text_title_fr_trgm', opclasses=['gin_trgm_ops']), django.contrib.postgres.indexes.GinIndex(fields=['title_ar_folded'], name='text_title_ar_trgm', opclasses=['gin_trgm_ops']), django.contrib.postgres.indexes.GinIndex(fields=['search_fr'], name='text_search_fr'), django.contrib.postgres.indexes.GinIndex(fields=['search_ar'], name='text_search_ar')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'number'), name='text_kind_number')],
            },
        ),
        migrations.CreateModel(
            name='Article',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20, verbose_name='article')),
                ('position', models.PositiveIntegerField(default=0)),
                ('body_fr', models.TextField(blank=True, verbose_name='text (French)')),
                ('body_ar', models.TextField(blank=True, verbose_name='text (Arabic)')),
                ('valid_from', models.DateField(verbose_name='valid from')),
                ('valid_to', models.DateField(blank=True, null=True, verbose_name='valid until')),
                ('repealed', models.BooleanField(default=False, verbose_name='repealed')),
                ('search_fr', models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.SearchVector(models.F('body_fr'), config='geoportal_fr'), output_field=django.contrib.postgres.search.SearchVectorField())),
                ('search_ar', models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.SearchVector(library.folding.FoldDigits(models.F('body_ar')), config='geoportal_ar'), output_field=django.contrib.postgres.search.SearchVectorField())),
                ('enacted_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enacted_wordings', to='library.text', verbose_name='enacted by')),
                ('text', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='articles', to='library.text')),
            ],
            options={
                'verbose_name': 'article',
                'verbose_name_plural': 'articles',
                'ordering': ['text', 'position', 'valid_from'],
                'indexes': [django.contrib.postgres.indexes.GinIndex(fields=['search_fr'], name='article_search_fr'), django.contrib.postgres.indexes.GinIndex(fields=['search_ar'], name='article_search_ar')],
                'constraints': [models.UniqueConstraint(fields=('text', 'number', 'enacted_by'), name='article_wording_once'), models.CheckConstraint(condition=models.Q(('valid_to__isnull', True), ('valid_to__gt', models.F('valid_from')), _connector='OR'), name='article_interval_not_empty'), models.CheckConstraint(condition=models.Q(('repealed', False), models.Q(('body_fr', ''), ('body_ar', '')), _connector='OR'), name='article_repealed_has_no_body'), django.contrib.postgres.constraints.ExclusionConstraint(deferrable=django.db.models.constraints.Deferrable['DEFERRED'], expressions=[('text', '='), ('number', '='), (library.models.DateRange('valid_from', 'valid_to'), '&&')], name='article_wordings_do_not_overlap')],
            },
        ),
    ]
