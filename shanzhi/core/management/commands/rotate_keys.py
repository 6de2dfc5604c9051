from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from shanzhi.core import audit, crypto
from shanzhi.core.fields import EncryptedTextField
from shanzhi.core.models import AuditEvent

HELP = """Re-encrypt every encrypted field value that was written with an older key.

How to rotate the encryption key:
  1. Make a new key:   python -c "from shanzhi.core.crypto import new_key; print(new_key())"
  2. Put it FIRST in SHANZHI_KEYRING and keep the old key after it, e.g.
       SHANZHI_KEYRING="2:<new key>,1:<old key>"
     and restart the web processes and workers: new values are now written with key 2,
     old values still decrypt with key 1.
  3. Run this command (safe to run while the system is in use, and to run again).
  4. When it reports nothing left to re-encrypt, remove the old key from SHANZHI_KEYRING
     and restart again.
The blind-index key (SHANZHI_BLIND_INDEX_KEY) is separate and is not rotated by this command.
"""


def encrypted_fields():
    """(model, field) for every EncryptedTextField in the project, found by introspection."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


def _raw(model, field):
    """The stored ciphertext (the field itself would hand back the decrypted value)."""
    return model._default_manager.annotate(raw=Cast(field.name, TextField()))


def _stale(model, field, current):
    return (
        _raw(model, field)
        .filter(raw__isnull=False)
        .exclude(raw="")
        .exclude(raw__startswith=f"{crypto.PREFIX}{current}$")
    )


def _rotate_batch(model, field, rows):
    """Re-encrypt one batch; a row changed meanwhile by someone else is left for the next run."""
    done = 0
    with transaction.atomic():
        for pk, raw in rows:
            plaintext = crypto.decrypt(raw)
            # Conditional on the ciphertext we read: a concurrent edit is never overwritten.
            done += _raw(model, field).filter(pk=pk, raw=raw).update(**{field.name: plaintext})
    return done


class Command(BaseCommand):
    help = HELP

    def create_parser(self, *args, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        parser = super().create_parser(*args, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--dry-run", action="store_true", help="only count the values to re-encrypt")

    def handle(self, *args, batch_size, dry_run, **options):
        current = crypto.current_key_id()
        self.stdout.write(f"current key: {current}")
        counts = {}
        for model, field in encrypted_fields():
            label = f"{model._meta.label}.{field.name}"
            total = _stale(model, field, current).count()
            if dry_run or not total:
                self.stdout.write(f"{label}: {total} to re-encrypt")
                counts[label] = 0 if not dry_run else total
                continue
            counts[label] = self._rotate_field(model, field, current, total, batch_size, label)
        if dry_run:
            return
        rotated = sum(counts.values())
        audit.record(
            AuditEvent.Action.KEY_ROTATION, detail={"key_id": current, "rows": rotated, "fields": counts}
        )
        self.stdout.write(self.style.SUCCESS(f"re-encrypted {rotated} value(s) with key {current}"))

    def _rotate_field(self, model, field, current, total, batch_size, label):
        done, last_pk = 0, None
        while True:
            rows = _stale(model, field, current).order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows.values_list("pk", "raw")[:batch_size])
            if not batch:
                break
            try:
                done += _rotate_batch(model, field, batch)
            except ImproperlyConfigured as exc:
                raise CommandError(f"{label}: {exc}. Put every old key back in SHANZHI_KEYRING.") from exc
            except InvalidTag as exc:
                raise CommandError(
                    f"{label}: a value does not decrypt with the key of its id; is a key id reused for a different key?"
                ) from exc
            last_pk = batch[-1][0]
            self.stdout.write(f"{label}: {done}/{total}")
        return done
