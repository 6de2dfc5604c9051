"""The audit trail's guard loses its runtime escape hatch (issue 12 §6): the triggers are recreated
without the session setting, with TRUNCATE refused on PostgreSQL and INSERT OR REPLACE on SQLite."""

from django.db import migrations

from shanzhi.core import appendonly


def up(apps, schema_editor):
    appendonly.unprotect(schema_editor, "core_auditevent")
    appendonly.protect(schema_editor, "core_auditevent")


class Migration(migrations.Migration):
    dependencies = [("core", "0008_calendar_recompute")]
    operations = [migrations.RunPython(up, migrations.RunPython.noop)]
