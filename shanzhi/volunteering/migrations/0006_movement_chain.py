"""Each ledger movement is hash-chained to the one before it (issue 12 §6); the movements already
there are chained in id order."""

from django.db import migrations, models

from shanzhi.core import chain

FIELDS = (
    "at", "kind", "debit_id", "credit_id", "amount", "reverses_id", "source", "expires_on", "memo",
    "created_by_id",
)  # fmt: skip


def up(apps, schema_editor):
    model = apps.get_model("volunteering", "Movement")
    chain.chain_existing(model, FIELDS, schema_editor, "volunteering_movement")


class Migration(migrations.Migration):
    dependencies = [("volunteering", "0005_ledger_guard_without_escape"), ("core", "0010_audit_chain")]

    operations = [
        migrations.AddField(
            model_name="movement",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="movement",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(up, migrations.RunPython.noop),
    ]
