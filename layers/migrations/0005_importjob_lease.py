from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("layers", "0003_catalogue_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="heartbeat_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="last sign of life"
            ),
        ),
    ]
