"""Each audit event is hash-chained to the one before it (issue 12 §6); the events already there
are chained in id order. On SQLite altering ``at`` rebuilds the table, which drops its triggers:
``chain_existing`` puts the guard back."""

import django.utils.timezone
from django.db import migrations, models

from shanzhi.core import chain

FIELDS = (
    "at", "action", "outcome", "actor_id", "actor_username", "actor_role", "actor_node", "ip",
    "target_type", "target_id", "detail",
)  # fmt: skip


def up(apps, schema_editor):
    chain.chain_existing(apps.get_model("core", "AuditEvent"), FIELDS, schema_editor, "core_auditevent")


class Migration(migrations.Migration):
    dependencies = [("core", "0009_audit_guard_without_escape")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False),
        ),
        migrations.RunPython(up, migrations.RunPython.noop),
    ]
