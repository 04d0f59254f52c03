"""The audit log, append-only: PostgreSQL refuses any UPDATE or DELETE of it.

TRUNCATE, which only the database owner may run (test flushes), is not watched.
"""

import django.core.serializers.json
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


APPEND_ONLY = """
CREATE FUNCTION audit_auditevent_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER audit_auditevent_append_only
  BEFORE UPDATE OR DELETE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION audit_auditevent_refuse_change();
"""


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                ('actor_name', models.CharField(blank=True, max_length=150, verbose_name="actor's name")),
                ('action', models.CharField(choices=[('version_published', 'Version published'), ('version_published_despite_errors', 'Version published despite errors'), ('version_restored', 'Version rolled back'), ('deleted', 'Deleted'), ('user_created', 'User created'), ('permissions_changed', 'Permissions changed'), ('user_deleted', 'User deleted'), ('token_created', 'API token created'), ('token_revoked', 'API token revoked'), ('note_issued', 'Note issued')], max_length=40, verbose_name='action')),
                ('object_type', models.CharField(max_length=100, verbose_name='object type')),
                ('object_id', models.CharField(blank=True, max_length=64, verbose_name='object id')),
                ('object_repr', models.CharField(blank=True, max_length=300, verbose_name='object')),
                ('agency_id', models.BigIntegerField(blank=True, null=True, verbose_name='agency')),
                ('details', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='details')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='actor')),
            ],
            options={
                'verbose_name': 'audit event',
                'verbose_name_plural': 'audit events',
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['object_type', 'object_id'], name='audit_object'), models.Index(fields=['agency_id', 'at'], name='audit_agency_at')],
            },
        ),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
