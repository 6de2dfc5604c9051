"""A department or property company added, removed or renamed renews the reference version, so
every process's cached unit names (registry.unitnames) are reloaded at their next request."""

from django.db import migrations

from shanzhi.core import refdata


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_delete_owners_committee"),
    ]

    operations = [
        refdata.install("registry_department", columns=("name",)),
        refdata.install("registry_propertycompany", columns=("name",)),
    ]
