"""The ledger's guard loses its runtime escape hatch (issue 12 §6), as the audit trail's did."""

from django.db import migrations

from shanzhi.core import appendonly


def up(apps, schema_editor):
    appendonly.unprotect(schema_editor, "volunteering_movement")
    appendonly.protect(schema_editor, "volunteering_movement")


class Migration(migrations.Migration):
    dependencies = [("volunteering", "0004_team_version"), ("core", "0009_audit_guard_without_escape")]
    operations = [migrations.RunPython(up, migrations.RunPython.noop)]
