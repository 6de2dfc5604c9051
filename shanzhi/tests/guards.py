"""Test-only: lift the append-only guards of the audit trail and the ledger.

This module exists only in test code; the application has no way to turn the guards off
(issue 12 §6). Tests use it for the flush that ends a transactional test, and to tamper with a
row behind the application's back so the chain verifier can be shown to catch it.
"""

from contextlib import contextmanager

from shanzhi.core import appendonly


def lift(connection):
    for table in appendonly.PROTECTED_TABLES:
        appendonly.unprotect(connection, table)


def restore(connection):
    for table in appendonly.PROTECTED_TABLES:
        appendonly.unprotect(connection, table)
        appendonly.protect(connection, table)


@contextmanager
def guards_lifted(connection):
    lift(connection)
    try:
        yield
    finally:
        restore(connection)
