from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Stores ciphertext, hands Python code the plaintext.

    The value in the database is never plaintext; lookups other than ``isnull`` are
    meaningless on it, so exact search goes through the companion blind-index column.
    """

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(value)
