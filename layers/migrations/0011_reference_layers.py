"""Reference layers: streets, neighbourhoods and landmarks that give bearings.

A layer of kind ``reference`` names its sub-type; no other kind has one.
Documents of kind ``reference`` hold them.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('layers', '0010_layer_import_mapping'),
    ]

    operations = [
        migrations.AlterField(
            model_name="planningdocument",
            name="kind",
            field=models.CharField(
                choices=[
                    ("sdau", "Master plan (SDAU)"),
                    ("pa", "Development plan (plan d'aménagement)"),
                    ("pdar", "Rural development plan (PDAR)"),
                    ("pz", "Zoning plan (plan de zonage)"),
                    ("plu", "Local urban plan (PLU)"),
                    ("reference", "Reference data (streets, neighbourhoods)"),
                    ("other", "Other document"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name='layer',
            name='reference_type',
            field=models.CharField(blank=True, choices=[('street', 'Streets'), ('neighbourhood', 'Neighbourhoods'), ('landmark', 'Landmarks')], max_length=16, verbose_name='reference type'),
        ),
        migrations.AlterField(
            model_name='layer',
            name='kind',
            field=models.CharField(choices=[('zoning', 'Zoning'), ('overlay', 'Overlay'), ('reference', 'Reference data')], max_length=16, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='layer',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'reference'), ('overlay_type', ''), models.Q(('reference_type', ''), _negated=True)), models.Q(models.Q(('kind', 'reference'), _negated=True), ('reference_type', '')), _connector='OR'), name='reference_layer_has_a_reference_type', violation_error_message='A reference layer says what it holds (streets, neighbourhoods or landmarks); other layers do not.'),
        ),
        migrations.RemoveConstraint(
            model_name="layer",
            name="zoning_layer_is_polygons",
        ),
        migrations.AddConstraint(
            model_name="layer",
            constraint=models.CheckConstraint(
                condition=~models.Q(kind="zoning")
                | models.Q(overlay_type="", geometry_type="polygon"),
                name="zoning_layer_is_polygons",
            ),
        ),
    ]
