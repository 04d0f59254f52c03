"""Procedures: step-by-step guides, their steps and the texts they rest on."""


import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import layers.search
import library.folding
import library.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('library', '0002_article_storage'),
    ]

    operations = [
        migrations.CreateModel(
            name='Procedure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.SlugField(max_length=80, unique=True, verbose_name='reference')),
                ('title_fr', models.CharField(max_length=300, verbose_name='title (French)')),
                ('title_ar', models.CharField(blank=True, max_length=300, verbose_name='title (Arabic)')),
                ('title_en', models.CharField(blank=True, max_length=300, verbose_name='title (English)')),
                ('summary_fr', models.TextField(blank=True, verbose_name='summary (French)')),
                ('summary_ar', models.TextField(blank=True, verbose_name='summary (Arabic)')),
                ('summary_en', models.TextField(blank=True, verbose_name='summary (English)')),
                ('documents', models.JSONField(blank=True, default=list, verbose_name='documents to bring')),
                ('delay_days', models.PositiveIntegerField(blank=True, null=True, verbose_name='delay (days)')),
                ('fees_fr', models.CharField(blank=True, max_length=300, verbose_name='fees (French)')),
                ('fees_ar', models.CharField(blank=True, max_length=300, verbose_name='fees (Arabic)')),
                ('fees_en', models.CharField(blank=True, max_length=300, verbose_name='fees (English)')),
                ('position', models.PositiveIntegerField(default=0)),
                ('from_demo_data', models.BooleanField(default=False, editable=False)),
                ('title_fr_folded', models.GeneratedField(db_persist=True, expression=layers.search.Fold('title_fr'), output_field=models.TextField())),
                ('title_ar_folded', models.GeneratedField(db_persist=True, expression=library.folding.FoldDigits('title_ar'), output_field=models.TextField())),
                ('search_fr', models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.SearchVector(library.models.Joined('title_fr', 'summary_fr'), config='geoportal_fr'), output_field=django.contrib.postgres.search.SearchVectorField())),
                ('search_ar', models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.SearchVector(library.folding.FoldDigits(library.models.Joined('title_ar', 'summary_ar')), config='geoportal_ar'), output_field=django.contrib.postgres.search.SearchVectorField())),
            ],
            options={
                'verbose_name': 'procedure',
                'verbose_name_plural': 'procedures',
                'ordering': ['position', 'key'],
                'indexes': [django.contrib.postgres.indexes.GinIndex(fields=['title_fr_folded'], name='procedure_title_fr_trgm', opclasses=['gin_trgm_ops']), django.contrib.postgres.indexes.GinIndex(fields=['title_ar_folded'], name='procedure_title_ar_trgm', opclasses=['gin_trgm_ops']), django.contrib.postgres.indexes.GinIndex(fields=['search_fr'], name='procedure_search_fr'), django.contrib.postgres.indexes.GinIndex(fields=['search_ar'], name='procedure_search_ar')],
            },
        ),
        migrations.CreateModel(
            name='ProcedureBasis',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('article', models.CharField(blank=True, max_length=20, verbose_name='article')),
                ('position', models.PositiveIntegerField(default=0)),
                ('procedure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bases', to='library.procedure')),
                ('text', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='procedure_bases', to='library.text')),
            ],
            options={
                'verbose_name': 'legal basis',
                'verbose_name_plural': 'legal bases',
                'ordering': ['procedure', 'position'],
                'constraints': [models.UniqueConstraint(fields=('procedure', 'text', 'article'), name='procedure_basis_once')],
            },
        ),
        migrations.CreateModel(
            name='ProcedureStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField()),
                ('title_fr', models.CharField(max_length=300, verbose_name='title (French)')),
                ('title_ar', models.CharField(blank=True, max_length=300, verbose_name='title (Arabic)')),
                ('title_en', models.CharField(blank=True, max_length=300, verbose_name='title (English)')),
                ('body_fr', models.TextField(blank=True, verbose_name='text (French)')),
                ('body_ar', models.TextField(blank=True, verbose_name='text (Arabic)')),
                ('body_en', models.TextField(blank=True, verbose_name='text (English)')),
                ('page', models.CharField(blank=True, choices=[('note', 'Urban information note (the map)'), ('request', 'File a request or a complaint'), ('payment', 'Pay a fee')], max_length=16, verbose_name='page of the portal')),
                ('procedure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='library.procedure')),
            ],
            options={
                'verbose_name': 'step',
                'verbose_name_plural': 'steps',
                'ordering': ['procedure', 'position'],
                'constraints': [models.UniqueConstraint(fields=('procedure', 'position'), name='procedure_step_once')],
            },
        ),
    ]
