"""Append-only tables, enforced by the database: UPDATE and DELETE (and TRUNCATE) are refused.

Every table that must never be rewritten (the audit trail, the points ledger) is protected with
``protect(schema_editor, table)`` from a migration. The one legitimate purge is a test database
being emptied between transactional tests; ``allow_purge(connection)`` opens that door for one
connection only (a PostgreSQL session setting; on SQLite a function registered per connection),
and UPDATE stays refused even then.
"""

from django.db.backends.signals import connection_created

SETTING = "shanzhi.purge_append_only"
_sqlite_purge_allowed = False

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION shanzhi_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE') AND current_setting('{SETTING}', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only (' || TG_OP || ' refused)';
END;
$$ LANGUAGE plpgsql;
"""


def _pg_protect(table):
    return [
        PG_FUNCTION,
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION shanzhi_refuse_change();",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION shanzhi_refuse_change();",
    ]


def _sqlite_protect(table):
    # Fails closed: where shanzhi_purge_allowed() is not registered (the sqlite3 shell), DELETE errors.
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only (UPDATE refused)'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} WHEN shanzhi_purge_allowed() = 0 "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only (DELETE refused)'); END;",
    ]


def protect(schema_editor, table):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": _pg_protect, "sqlite": _sqlite_protect}.get(vendor, lambda t: [])(table)
    for sql in statements:
        schema_editor.execute(sql, params=None)


def unprotect(schema_editor, table):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
        ]
    elif vendor == "sqlite":
        statements = [
            f"DROP TRIGGER IF EXISTS {table}_no_update;",
            f"DROP TRIGGER IF EXISTS {table}_no_delete;",
        ]
    else:
        statements = []
    for sql in statements:
        schema_editor.execute(sql, params=None)


def set_purge_allowed(connection, allowed):
    global _sqlite_purge_allowed
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"SELECT set_config('{SETTING}', %s, false)", ["on" if allowed else "off"])
    _sqlite_purge_allowed = allowed


def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "shanzhi_purge_allowed", 0, lambda: int(_sqlite_purge_allowed), deterministic=False
        )


def install():
    """Called from CoreConfig.ready(): the SQLite side needs its function on every new connection."""
    connection_created.connect(_register_sqlite_function, dispatch_uid="shanzhi_appendonly")
