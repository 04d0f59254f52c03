"""A version may be published despite its errors, with a recorded reason (issue 11)."""

import django.core.serializers.json
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('layers', '0005_history_protection'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='layerversion',
            name='errors_accepted',
            field=models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='published despite errors'),
        ),
        migrations.AddConstraint(
            model_name='layerversion',
            constraint=models.CheckConstraint(condition=models.Q(('errors_accepted', {}), ('errors_accepted__reason__regex', '\\S'), _connector='OR'), name='errors_accepted_with_a_reason'),
        ),
    ]
