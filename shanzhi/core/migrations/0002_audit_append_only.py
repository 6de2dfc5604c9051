"""The audit trail is append-only at the database level, whatever the application does."""

from django.db import migrations

from shanzhi.core import appendonly


def up(apps, schema_editor):
    appendonly.protect(schema_editor, "core_auditevent")


def down(apps, schema_editor):
    appendonly.unprotect(schema_editor, "core_auditevent")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
