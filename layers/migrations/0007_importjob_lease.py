from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("layers", "0006_publish_despite_errors"),
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
