"""Telling a lost database connection from a fault in the code, and answering it as one.

A PostgreSQL restart, a failover or ``pg_terminate_backend`` cuts the connection a request or the
task worker holds. That is the service being briefly unavailable (503 with ``Retry-After``, the
client retries; with its Idempotency-Key a retried submission returns the first appeal), not a
bug (500). Everything else (a missing column, a constraint the code should have checked) stays a
500, so a real fault is never hidden behind "try again later".
"""

import logging

from django.db import connections
from django.db.utils import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait: PostgreSQL restarts in a few seconds and the next request
# opens a fresh connection (CONN_HEALTH_CHECKS drops the dead one before it is used).
RETRY_AFTER = 5

# SQLSTATE classes of a connection that is gone or not accepting work: 08 connection exception,
# 57P01..57P05 operator intervention (admin shutdown, crash shutdown, cannot connect now,
# database dropped, idle session timeout).
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03", "57P04", "57P05")
# SQLite answers a writer that waited out busy_timeout with "database is locked": also transient.
_SQLITE_TRANSIENT = ("database is locked", "database table is locked")


def is_connection_error(exc):
    """True when ``exc`` (a Django database error, possibly wrapping a driver error) means the
    database could not be reached or dropped the connection, rather than refused the statement."""
    if isinstance(exc, InterfaceError):
        return True  # "connection already closed": the driver has nothing to talk to
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__ or exc
    state = getattr(cause, "sqlstate", None) or getattr(getattr(cause, "diag", None), "sqlstate", None)
    if state:
        return state.startswith(_UNAVAILABLE_STATES)
    if type(cause).__module__.startswith("sqlite3"):
        return any(text in str(cause) for text in _SQLITE_TRANSIENT)
    # psycopg raises OperationalError without a SQLSTATE when the server closed the socket or
    # could not be reached at all: no statement was refused, the link is gone.
    return True


def drop_broken_connections():
    """Close every connection of this thread that can no longer be used, so the next query opens
    a fresh one. Whatever transaction it carried is gone with it: PostgreSQL rolls back a
    transaction whose connection ends, so no half-written state remains."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is None or conn.in_atomic_block:
            # Inside atomic() the connection's owner (whoever opened the block) handles the error.
            continue
        try:
            usable = conn.is_usable()
        except Exception:  # noqa: BLE001 - a broken socket may raise anything from the driver
            usable = False
        if not usable:
            try:
                conn.close()  # sets conn.connection to None even when closing the socket fails
            except Exception:  # noqa: BLE001, S110 - a dead socket may refuse to close; it is gone
                pass
            logger.warning("database connection %s was lost and is closed", conn.alias)
