"""Any write to the org tree (grids' polygons, names, paths) renews the reference version, so
every process's cached tree and grid shapes are reloaded at their next request (core.refdata)."""

from django.db import migrations

from shanzhi.core import refdata


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_reference_version"),
        ("registry", "0003_polish_retire_places"),
    ]

    operations = [refdata.install("registry_orgnode")]
