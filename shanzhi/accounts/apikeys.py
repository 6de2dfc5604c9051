"""API keys read once per process and invalidated on change (issue 11), as the categories and the
grid polygons are (``core.refdata``).

A key is reference data of an integration, not of a person's session: which token row, whose,
under what user name. Every Open311 POST and every JSON API call asked the database for it.
Here the valid keys a process has met are kept, keyed by digest, while the ``api_keys`` version
row stays the same; database triggers (migration ``accounts/0003``) renew that row on any write
to the tokens (issue, revoke, delete) or to an account's ``is_active`` or ``username``, by
anyone, so a revoked key or a disabled account is refused at the next request in every process.
An unknown or refused key is never kept (it is read again each time: nobody can fill memory with
wrong keys). Nothing else of the user is kept: the JSON API still reads the account and its
grants on every call (``user_for_token``).
"""

from collections import namedtuple

from django.utils import timezone

from shanzhi.core import refdata

from .models import ApiToken

VERSION = "api_keys"
_CACHE = "accounts.api_keys"
# "Last used" to the minute: an integration posting many requests a second would otherwise write
# (and lock) its one token row on every request.
USE_RESOLUTION = timezone.timedelta(minutes=1)

Key = namedtuple("Key", "token_id user_id username last_used_at")


def _valid(digest):
    row = (
        ApiToken.objects.filter(digest=digest, revoked=False, user__is_active=True)
        .values_list("pk", "user_id", "user__username", "last_used_at")
        .first()
    )
    return Key(*row) if row else None


def user_id_guess(token):
    """The user of the key ``token`` as this process last knew it, or None, asking nothing of the
    database: a guess, which ``key_for`` confirms or refutes (the key may have been revoked)."""
    keys = refdata.peek(_CACHE)
    key = keys.get(ApiToken.digest_of(token)) if keys else None
    return None if key is None else key.user_id


def key_for(token):
    """The valid key ``token`` is (a ``Key``), or None; notes its use, to the minute."""
    digest = ApiToken.digest_of(token)
    # The dict of this version's keys, filled as keys are met (a fresh one when the version moves).
    keys = refdata.cached(_CACHE, dict, version_name=VERSION)
    key = keys.get(digest)
    if key is None:
        key = _valid(digest)
        if key is None:
            return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= USE_RESOLUTION:
        ApiToken.objects.filter(pk=key.token_id).update(last_used_at=now)  # no trigger: not a listed column
        key = key._replace(last_used_at=now)
    keys[digest] = key
    return key
