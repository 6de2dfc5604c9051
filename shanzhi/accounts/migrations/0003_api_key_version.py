"""The API keys' version row and its triggers (accounts.apikeys): any write to the tokens, and a
change of an account's active flag or user name, renews it, so every process's cached keys are
read again at their next request. A token's "last used" time is left out on purpose."""

from django.db import migrations

from shanzhi.core import refdata


def add_row(apps, schema_editor):
    apps.get_model("core", "ReferenceVersion").objects.get_or_create(name="api_keys", defaults={"value": 1})


def drop_row(apps, schema_editor):
    apps.get_model("core", "ReferenceVersion").objects.filter(name="api_keys").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_reference_version"),
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(add_row, drop_row),
        refdata.install("accounts_apitoken", name="api_keys", columns=("user_id", "digest", "revoked")),
        refdata.install("accounts_user", name="api_keys", columns=("is_active", "username")),
    ]
