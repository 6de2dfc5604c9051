"""Key rotation (re-encrypting personal data under a new key) and the deployment check on secrets."""

import io

import pytest
from django.conf import settings
from django.core.checks import registry as check_registry
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from shanzhi.core import checks, crypto
from shanzhi.core.management.commands.rotate_keys import encrypted_fields
from shanzhi.core.models import AuditEvent
from shanzhi.registry.models import PropertyCompany, Resident

NEW_KEY = crypto.new_key()


@pytest.fixture(autouse=True)
def _fresh_keyring():
    crypto._parse_keyring.cache_clear()
    yield
    crypto._parse_keyring.cache_clear()


def raw_values(table, column):
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> ''")  # noqa: S608
        return dict(cur.fetchall())


def rotate(**options):
    out = io.StringIO()
    call_command("rotate_keys", stdout=out, **options)
    return out.getvalue()


def test_encrypted_fields_are_found_by_introspection():
    found = {(m._meta.label, f.name) for m, f in encrypted_fields()}
    assert {
        ("registry.Resident", "id_number"),
        ("registry.Resident", "phone"),
        ("registry.PropertyCompany", "contact_phone"),
    } <= found


def test_rotation_re_encrypts_old_values_and_they_still_decrypt(cast):
    old_id = crypto.current_key_id()
    plain = {r.pk: (r.id_number, r.phone) for r in Resident.objects.all()}
    company_phone = PropertyCompany.objects.get(pk=cast.company.pk).contact_phone
    before = raw_values("registry_resident", "id_number")
    assert all(v.startswith(f"k{old_id}$") for v in before.values())

    with override_settings(SHANZHI_KEYRING=f"new:{NEW_KEY},{settings.SHANZHI_KEYRING}"):
        output = rotate(batch_size=2)
        after = raw_values("registry_resident", "id_number")
        phones = raw_values("registry_resident", "phone")
        assert after.keys() == before.keys()
        assert all(v.startswith("knew$") for v in after.values())
        assert all(v.startswith("knew$") for v in phones.values())
        assert raw_values("registry_propertycompany", "contact_phone")[cast.company.pk].startswith("knew$")
        assert "re-encrypted" in output

    # The old key can now leave the ring: everything decrypts with the new one alone.
    with override_settings(SHANZHI_KEYRING=f"new:{NEW_KEY}"):
        assert {r.pk: (r.id_number, r.phone) for r in Resident.objects.all()} == plain
        assert PropertyCompany.objects.get(pk=cast.company.pk).contact_phone == company_phone


def test_without_rotation_the_old_key_cannot_be_dropped(cast):
    with override_settings(SHANZHI_KEYRING=f"new:{NEW_KEY}"), pytest.raises(ImproperlyConfigured):
        list(Resident.objects.all())


def test_rotation_keeps_the_blind_index_and_search_working(cast):
    index_before = dict(Resident.objects.values_list("pk", "id_number_index"))
    with override_settings(SHANZHI_KEYRING=f"new:{NEW_KEY},{settings.SHANZHI_KEYRING}"):
        rotate()
        assert dict(Resident.objects.values_list("pk", "id_number_index")) == index_before
        assert (
            Resident.objects.get(id_number_index=crypto.blind_index(cast.resident.id_number)) == cast.resident
        )


def test_rotation_is_audited_and_a_second_run_has_nothing_to_do(cast):
    with override_settings(SHANZHI_KEYRING=f"new:{NEW_KEY},{settings.SHANZHI_KEYRING}"):
        rotate()
        first = AuditEvent.objects.get(action=AuditEvent.Action.KEY_ROTATION)
        assert first.detail["key_id"] == "new"
        assert first.detail["rows"] >= 2 * Resident.objects.count()
        snapshot = raw_values("registry_resident", "id_number")
        rotate()
        assert raw_values("registry_resident", "id_number") == snapshot
        second = AuditEvent.objects.filter(action=AuditEvent.Action.KEY_ROTATION).order_by("-id").first()
        assert second.detail["rows"] == 0


def test_dry_run_counts_and_changes_nothing(cast):
    before = raw_values("registry_resident", "id_number")
    with override_settings(SHANZHI_KEYRING=f"new:{NEW_KEY},{settings.SHANZHI_KEYRING}"):
        output = rotate(dry_run=True)
    assert f"registry.Resident.id_number: {len(before)} to re-encrypt" in output
    assert raw_values("registry_resident", "id_number") == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.KEY_ROTATION).exists()


def test_a_value_under_a_key_missing_from_the_ring_stops_with_a_clear_error(cast):
    with (
        override_settings(SHANZHI_KEYRING=f"new:{NEW_KEY}"),
        pytest.raises(CommandError, match="SHANZHI_KEYRING"),
    ):
        rotate()


def test_help_explains_how_to_rotate():
    from shanzhi.core.management.commands.rotate_keys import Command

    assert "FIRST in SHANZHI_KEYRING" in Command.help and "remove the old key" in Command.help


# --- check --deploy -------------------------------------------------------------------------


def test_deploy_check_is_registered():
    assert checks.secrets_from_environment in check_registry.registry.get_checks(
        include_deployment_checks=True
    )
    assert checks.secrets_from_environment not in check_registry.registry.get_checks()


def test_deploy_check_demands_secrets_from_the_environment_when_debug_is_off(monkeypatch, settings):
    settings.DEBUG = False
    for name in checks.REQUIRED_SECRETS:
        monkeypatch.delenv(name, raising=False)
    ids = {e.id for e in checks.secrets_from_environment()}
    assert ids == {"shanzhi.E001", "shanzhi.E002", "shanzhi.E003"}
    monkeypatch.setenv("SHANZHI_KEYRING", f"1:{NEW_KEY}")
    assert {e.id for e in checks.secrets_from_environment()} == {"shanzhi.E001", "shanzhi.E003"}


def test_deploy_check_is_quiet_when_everything_is_set_or_debug_is_on(monkeypatch, settings):
    settings.DEBUG = False
    for name in checks.REQUIRED_SECRETS:
        monkeypatch.setenv(name, "x")
    assert checks.secrets_from_environment() == []
    settings.DEBUG = True
    for name in checks.REQUIRED_SECRETS:
        monkeypatch.delenv(name)
    assert checks.secrets_from_environment() == []
