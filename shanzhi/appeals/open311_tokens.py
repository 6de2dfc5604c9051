"""Open311's request tokens: an appeal's number, signed (``django.core.signing``, its own salt),
given back by a POST and read by ``GET tokens/<token>``."""

import functools

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

SIGNING_SALT = "shanzhi.open311.token"  # a namespace for django.core.signing, not a secret


class _TokenSigner(signing.TimestampSigner):
    """The signer of ``signing.dumps(number, salt=SIGNING_SALT, compress=True)``, the same tokens
    (``signing.loads`` reads them), made once per process and key: ``dumps`` makes a signer per
    token, reading the settings again, and its every signature derives the HMAC key from the salt
    and the secret anew. Here the keyed HMAC is made once and copied for each signature."""

    def __init__(self, key):
        super().__init__(key=key, salt=SIGNING_SALT)
        # ``base64_hmac``'s own: salted_hmac(salt + "signer", value, key), its value fed per token.
        self._mac = salted_hmac(self.salt + "signer", b"", key, algorithm=self.algorithm)

    def signature(self, value, key=None):
        if key is not None and key != self.key:  # a fallback key, when reading a token
            return super().signature(value, key)
        mac = self._mac.copy()
        mac.update(value.encode())
        return signing.b64_encode(mac.digest()).decode()


@functools.cache
def _signer(key):
    return _TokenSigner(key)


def token_for(number):
    return _signer(settings.SECRET_KEY).sign_object(number, compress=True)


def number_of(token):
    """The appeal number ``token`` was made for; ``signing.BadSignature`` if it is none of ours."""
    return signing.loads(token, salt=SIGNING_SALT)
