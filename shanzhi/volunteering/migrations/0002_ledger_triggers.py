"""The ledger's rules, kept by the database whatever the application does.

* each inserted movement moves its amount between the two balances (AFTER INSERT trigger);
* movements are append-only: UPDATE and DELETE (and TRUNCATE on PostgreSQL) are refused, by the
  same ``core.appendonly`` triggers as the audit trail;
* an account opens at zero, and its balance changes only through a movement: on PostgreSQL a
  direct UPDATE of ``balance`` (trigger depth 1) is refused; on SQLite, which has no trigger depth,
  the new balance must equal the sum of the account's movements;
* a person's balance never goes below zero (the CHECK on the account table, from 0001).
"""

from django.db import migrations

from shanzhi.core import appendonly

PG_UP = """
CREATE OR REPLACE FUNCTION volunteering_movement_apply() RETURNS trigger AS $$
BEGIN
    UPDATE volunteering_account SET balance = balance - NEW.amount WHERE id = NEW.debit_id;
    UPDATE volunteering_account SET balance = balance + NEW.amount WHERE id = NEW.credit_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER volunteering_movement_apply
    AFTER INSERT ON volunteering_movement
    FOR EACH ROW EXECUTE FUNCTION volunteering_movement_apply();

CREATE OR REPLACE FUNCTION volunteering_account_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.balance <> 0 THEN
            RAISE EXCEPTION USING MESSAGE = 'a points account opens with a zero balance';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.balance IS DISTINCT FROM OLD.balance AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION USING MESSAGE = 'a points balance changes only through movements';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER volunteering_account_guard
    BEFORE INSERT OR UPDATE ON volunteering_account
    FOR EACH ROW EXECUTE FUNCTION volunteering_account_guard();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS volunteering_movement_apply ON volunteering_movement;
DROP TRIGGER IF EXISTS volunteering_account_guard ON volunteering_account;
DROP FUNCTION IF EXISTS volunteering_movement_apply();
DROP FUNCTION IF EXISTS volunteering_account_guard();
"""

_SUM = (
    "(SELECT COALESCE(SUM(amount), 0) FROM volunteering_movement WHERE credit_id = NEW.id)"
    " - (SELECT COALESCE(SUM(amount), 0) FROM volunteering_movement WHERE debit_id = NEW.id)"
)
SQLITE_UP = [
    "CREATE TRIGGER volunteering_movement_apply AFTER INSERT ON volunteering_movement BEGIN "
    "UPDATE volunteering_account SET balance = balance - NEW.amount WHERE id = NEW.debit_id; "
    "UPDATE volunteering_account SET balance = balance + NEW.amount WHERE id = NEW.credit_id; END;",
    "CREATE TRIGGER volunteering_account_opens_at_zero BEFORE INSERT ON volunteering_account "
    "WHEN NEW.balance <> 0 "
    "BEGIN SELECT RAISE(ABORT, 'a points account opens with a zero balance'); END;",
    "CREATE TRIGGER volunteering_account_balance_is_sum BEFORE UPDATE OF balance ON volunteering_account "
    f"WHEN NEW.balance IS NOT {_SUM} "
    "BEGIN SELECT RAISE(ABORT, 'a points balance changes only through movements'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS volunteering_movement_apply;",
    "DROP TRIGGER IF EXISTS volunteering_account_opens_at_zero;",
    "DROP TRIGGER IF EXISTS volunteering_account_balance_is_sum;",
]


def up(apps, schema_editor):
    appendonly.protect(schema_editor, "volunteering_movement")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql, params=None)


def down(apps, schema_editor):
    appendonly.unprotect(schema_editor, "volunteering_movement")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("volunteering", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
