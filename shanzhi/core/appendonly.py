"""Append-only tables, enforced by the database: UPDATE, DELETE and TRUNCATE are refused.

Every table that must never be rewritten (the audit trail, the points ledger) is protected with
``protect(schema_editor, table)`` from a migration. There is no runtime switch that turns the guard
off (issue 12 §6): a session setting or a connection function would be open to any code, or any
person, holding the application's database login. Only a migration, or test code, may drop the
triggers, and in production the application's role cannot (see README, "Production database roles").
"""

PROTECTED_TABLES = ("core_auditevent", "volunteering_movement")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION shanzhi_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only (' || TG_OP || ' refused)';
END;
$$ LANGUAGE plpgsql;
"""


def _pg_protect(table):
    # ON CONFLICT DO UPDATE fires the row UPDATE trigger, so an upsert is refused too.
    return [
        PG_FUNCTION,
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION shanzhi_refuse_change();",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION shanzhi_refuse_change();",
    ]


def _sqlite_protect(table):
    # INSERT OR REPLACE deletes the old row without firing DELETE triggers (unless
    # recursive_triggers is on), so an insert that names an existing id is refused up front.
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only (UPDATE refused)'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only (DELETE refused)'); END;",
        # table is one of PROTECTED_TABLES, never input
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN EXISTS "  # noqa: S608
        f"(SELECT 1 FROM {table} WHERE id = NEW.id) BEGIN SELECT RAISE(ABORT, "
        f"'{table} is append-only (REPLACE refused)'); END;",
    ]


def _pg_unprotect(table):
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};",
    ]


def _sqlite_unprotect(table):
    return [f"DROP TRIGGER IF EXISTS {table}_{name};" for name in ("no_update", "no_delete", "no_replace")]


def _run(connection_or_editor, statements):
    execute = getattr(connection_or_editor, "execute", None)
    if execute is not None:  # a schema editor
        for sql in statements:
            execute(sql, params=None)
        return
    with connection_or_editor.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def _vendor(connection_or_editor):
    if hasattr(connection_or_editor, "vendor"):
        return connection_or_editor.vendor
    return connection_or_editor.connection.vendor


def protect(schema_editor, table):
    builders = {"postgresql": _pg_protect, "sqlite": _sqlite_protect}
    _run(schema_editor, builders.get(_vendor(schema_editor), lambda t: [])(table))


def unprotect(schema_editor, table):
    builders = {"postgresql": _pg_unprotect, "sqlite": _sqlite_unprotect}
    _run(schema_editor, builders.get(_vendor(schema_editor), lambda t: [])(table))
