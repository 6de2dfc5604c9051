"""Any write to the categories renews the reference version, so every process's cached
categories are reloaded at their next request (core.refdata)."""

from django.db import migrations

from shanzhi.core import refdata


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_reference_version"),
        ("appeals", "0014_event_verbs_after_metrics"),
    ]

    operations = [refdata.install("appeals_category")]
