"""The older owners' committee tables go: red property's ``Committee`` is the one. Property's
migration 0009 moves their rows first (it declares ``run_before`` this one, so the registry names
no app above it)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0004_orgnode_refversion"),
    ]

    # The through model's table is dropped whole (removing its foreign keys one by one would make
    # SQLite rebuild it around a unique constraint naming them).
    operations = [
        migrations.RemoveField(model_name="ownerscommittee", name="members"),
        migrations.DeleteModel(name="OwnersCommitteeMember"),
        migrations.DeleteModel(name="OwnersCommittee"),
    ]
