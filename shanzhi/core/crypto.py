"""Field encryption for personal data: AES-256-GCM with a key ring, and an HMAC blind index.

A stored value looks like ``k<key id>$<base64(nonce || ciphertext+tag)>``. The key id lets old
values stay readable after a rotation (``manage.py rotate_keys`` re-encrypts them with the
current key). Exact lookup never decrypts: it compares ``blind_index(value)`` with a stored
HMAC-SHA256, computed with a key that is separate from the encryption keys.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "k"


@lru_cache(maxsize=8)
def _parse_keyring(spec):
    ring = {}
    order = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, _, b64 = item.partition(":")
        try:
            key = base64.urlsafe_b64decode(b64 + "=" * (-len(b64) % 4))
        except ValueError as exc:
            raise ImproperlyConfigured(f"SHANZHI_KEYRING: key {key_id} is not base64") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"SHANZHI_KEYRING: key {key_id} must be 32 bytes (AES-256)")
        ring[key_id] = key
        order.append(key_id)
    if not order:
        raise ImproperlyConfigured("SHANZHI_KEYRING is empty")
    return ring, order[0]


def keyring():
    return _parse_keyring(settings.SHANZHI_KEYRING)


def current_key_id():
    return keyring()[1]


@lru_cache(maxsize=8)
def _aead(key):
    return AESGCM(key)


def encrypt(plaintext):
    if plaintext in (None, ""):
        return plaintext
    ring, key_id = keyring()
    nonce = os.urandom(12)
    sealed = _aead(ring[key_id]).encrypt(nonce, plaintext.encode(), key_id.encode())
    return f"{PREFIX}{key_id}${base64.b64encode(nonce + sealed).decode()}"


def key_id_of(token):
    return token[len(PREFIX) : token.index("$")]


def decrypt(token):
    if token in (None, ""):
        return token
    ring, _ = keyring()
    key_id = key_id_of(token)
    if key_id not in ring:
        raise ImproperlyConfigured(f"a value is encrypted with key {key_id}, which is not in the key ring")
    raw = base64.b64decode(token[token.index("$") + 1 :])
    return _aead(ring[key_id]).decrypt(raw[:12], raw[12:], key_id.encode()).decode()


@lru_cache(maxsize=4)
def _hmac_base(key):
    """The HMAC state after the key; copying it saves hashing the padded key on every value."""
    return hmac.new(key.encode(), digestmod=hashlib.sha256)


def blind_index(value):
    """HMAC of the normalised value: equal inputs give equal indexes, nothing else leaks."""
    if value in (None, ""):
        return ""
    mac = _hmac_base(settings.SHANZHI_BLIND_INDEX_KEY).copy()
    mac.update(value.strip().upper().encode())
    return mac.hexdigest()


def new_key():
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
