"""Reads of the data centre from a read replica, writes always to the primary.

Configured only when ``DATABASE_REPLICA_URL`` is set (settings, "database"): a ``replica`` alias
(a PostgreSQL physical standby of ``default``) and ``ReplicaRouter``. Without it nothing here is
installed and every query goes to ``default`` as before.

Which reads go to the replica is decided by the code that reads, not by model: only a block
inside ``replica_reads()`` (the data centre's dashboards, map layers, report pages and downloads,
through ``replica_view``; the report task's content) sends its reads there, through a context
variable, so no other page ever sees a lagging row. Inside that block:

* writes go to ``default`` (``db_for_write``), and so does every read made inside a transaction on
  ``default`` (a service that reads what it is about to change reads the primary's rows);
* sessions are always read from ``default`` (a session is written on every login);
* **read-your-writes**: ``ReadYourWritesMiddleware`` marks a browser with a short-lived cookie
  after any non-GET request (anything it may have changed), and ``replica_view`` reads the primary
  while the mark lasts (``SHANZHI_REPLICA_PIN_SECONDS``, default 10: well above a standby's usual
  lag), so a user who just changed something sees it at once. The mark only ever sends reads to
  the primary: a forged one costs the primary a few reads and nothing more.
"""

import contextlib
import contextvars
import functools

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "sz_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Apps whose rows are read right after being written by the request machinery itself.
PRIMARY_ONLY = {"sessions"}

_read_alias = contextvars.ContextVar("shanzhi_read_alias", default=None)


def replica_configured():
    return REPLICA in connections.settings


def pin_seconds():
    return getattr(settings, "SHANZHI_REPLICA_PIN_SECONDS", 10)


@contextlib.contextmanager
def replica_reads(enabled=True):
    """Send the reads of this block to the replica (when one is configured and ``enabled``)."""
    alias = REPLICA if enabled and replica_configured() else None
    token = _read_alias.set(alias)
    try:
        yield alias or "default"
    finally:
        _read_alias.reset(token)


def pinned(request):
    """Did this browser write something within the last few seconds?"""
    return bool(request.COOKIES.get(PIN_COOKIE))


def replica_view(view):
    """A read-only view whose reads may go to the replica (GET/HEAD, and not pinned)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        enabled = request.method in SAFE_METHODS and not pinned(request)
        with replica_reads(enabled):
            return view(request, *args, **kwargs)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias is None or model._meta.app_label in PRIMARY_ONLY:
            return None
        if connections["default"].in_atomic_block:
            return None  # inside a transaction on the primary: read what it is about to change
        return alias

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database: the replica is a copy of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReadYourWritesMiddleware:
    """After a non-GET request by anyone, reads of ``replica_view`` pages go to the primary for
    ``pin_seconds()``: a cookie with that max-age (no database write, nothing to clean up)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and replica_configured():
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=pin_seconds(),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
