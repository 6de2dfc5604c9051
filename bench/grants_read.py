"""What PostgreSQL spends on a JSON API call's account read (issue 11), not a test: pgbench, one
client, prepared statements, against the database ``bench/open311.py --keep`` leaves.

    .venv/bin/python bench/grants_read.py [--db bench_o311_shanzhi] [--seconds 6]

Times three statements, each a round trip of its own: the reference versions alone (the pool's
check without a rider, the floor of a round trip), the account and its grants' join alone
(``accounts.services._GRANTS``), and the two together as the check sends them
(``refdata._riding_sql``). The account is the bench's API user. Prints pgbench's average
latency of each, in ms; run it on an otherwise idle machine.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--db", default="bench_o311_shanzhi")
    p.add_argument("--seconds", type=int, default=6)
    args = p.parse_args()
    pgbench = shutil.which("pgbench")
    if pgbench is None:
        sys.exit("pgbench is not on PATH (Debian's postgresql-client package)")
    os.environ["DATABASE_URL"] = f"{args.pg}/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    os.environ["SHANZHI_DEBUG"] = "0"
    import django

    django.setup()
    from django.db import connection

    from shanzhi.accounts.services import _GRANTS
    from shanzhi.core import refdata

    with connection.cursor() as cursor:  # the bench's API user: the one of its tokens with grants
        cursor.execute(
            "SELECT t.user_id FROM accounts_apitoken t JOIN accounts_rolegrant g ON g.user_id = t.user_id "
            "ORDER BY t.id DESC LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        sys.exit(f"no API user with grants in {args.db}: run bench/open311.py --keep first")
    grants = _GRANTS.statement(row[0])[0]
    statements = [
        ("the versions alone", refdata._sql()),  # noqa: SLF001 - the statement itself
        ("the account and its grants alone", grants),
        ("both, as the check sends them", refdata._riding_sql(grants)),  # noqa: SLF001
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for label, sql in statements:
            script = Path(tmp) / "s.sql"
            script.write_text(f"\\set uid {row[0]}\n{sql.replace('%s', ':uid')};\n")
            out = subprocess.run(  # noqa: S603 - pgbench, our own arguments
                [
                    pgbench,
                    "-n",
                    "-M",
                    "prepared",
                    "-c",
                    "1",
                    "-T",
                    str(args.seconds),
                    "-f",
                    str(script),
                    f"{args.pg}/{args.db}",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            latency = re.search(r"latency average = ([\d.]+) ms", out)
            print(f"{label:<36} {latency.group(1) if latency else '?'} ms")


if __name__ == "__main__":
    main()
