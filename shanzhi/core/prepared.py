"""Statements PostgreSQL parses and plans once per connection, not once per request (issue 11).

Django's own cursors bind parameters on the client and prepare nothing, so every execution of
the same statement is parsed and planned again: for an Open311 read of one request that was
twice the time of running it. ``cursor(connection)`` gives a cursor whose parameters are bound
by the server and whose statements are prepared at their first run on a connection (psycopg 3
keeps them per connection; a pooled connection keeps them across requests). Only for statements
whose text is the same every time: each distinct text is one prepared statement on the server.
"""

import psycopg


class _PreparedCursor(psycopg.Cursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def cursor(connection):
    """A preparing cursor on Django's ``connection``, wrapped as Django wraps its own (logged,
    counted, Django's errors); Django's own cursor on another database or when the settings
    allow no prepared statement (``SHANZHI_DB_PREPARE=0``: binding on the server without
    preparing costs more)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        return connection.cursor()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparedCursor(connection.connection))
