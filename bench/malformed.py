"""Counts the malformed requests of ``shanzhi/tests/malformed.py`` that answer 5xx (not a test).

    .venv/bin/python bench/malformed.py                       # SQLite (a throwaway test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shanzhi_x .venv/bin/python bench/malformed.py

It builds the test cast in a fresh test database (``test_<name>``, dropped afterwards), fires every
case and prints the totals and the cases answering 5xx. ``shanzhi/tests/test_malformed.py`` asserts
the same cases answer below 500.
"""

import datetime as dt
import os
import sys
from collections import Counter
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")


def main():
    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from shanzhi.accounts.services import issue_api_token
        from shanzhi.tests import malformed
        from shanzhi.tests.cast import build_cast

        with time_machine.travel(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC), tick=True):
            cast = build_cast(password="Ceshi#2026pass")  # noqa: S106 - the test cast's password
            category, appeal = malformed.prepare(cast)
            out = StringIO()
            call_command("issue_open311_key", "fuzz-app", stdout=out)
            tokens = {}

            def token_for(user):
                return tokens.setdefault(user.pk, tokens.get(user.pk) or issue_api_token(user))

            cases = malformed.cases(cast, category, appeal, out.getvalue().strip())
            import logging

            logging.disable(logging.CRITICAL)
            results = malformed.run(lambda: Client(raise_request_exception=False), cast, cases, token_for)
        vendor = connection.vendor
        errors = [(label, status) for label, _n, status, _r in results if status >= 500]
        print(f"{vendor}: {len(errors)} of {len(results)} malformed requests answered 5xx")
        print("statuses:", dict(sorted(Counter(s for _l, _n, s, _r in results).items())))
        for label, status in errors:
            print(f"  {status} {label!a}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
