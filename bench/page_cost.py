"""What one signed-in page costs: N requests through Django's test client, DEBUG off, signed in as
a demo user, against a copy of the demo database that ``make run`` seeds (var/shanzhi.sqlite3).

    .venv/bin/python bench/page_cost.py [--user zhangshequ] [--url /appeals/SZ20990101000001/]

Prints the status, the statements a request sends and the wall time per request (which moves with
the machine's load). Run under callgrind for a figure that does not move:

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/page.%p \\
      .venv/bin/python bench/page_cost.py --callgrind --n 50
    callgrind_annotate /tmp/page.<pid> | grep "PROGRAM TOTALS"     # divide by --n

``--detail`` opens the first appeal the user may see instead of ``--url``. Figures of the stop
that added this (a signed-in 404 and an appeal's detail, 张社区): 21.7 and 80.3 million
instructions a request before the session store, sign-in backend and unordered look-up, 16.2 and
75.0 after (docs/ARCHITECTURE.md).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", default=str(ROOT / "var" / "shanzhi.sqlite3"), help="a seeded demo (copied first)")
    p.add_argument("--user", default="zhangshequ")
    p.add_argument(
        "--url", default="/appeals/SZ20990101000001/", help="a page (default: an appeal that is not there)"
    )
    p.add_argument(
        "--detail", action="store_true", help="the first appeal the user may see, instead of --url"
    )
    p.add_argument("--n", type=int, default=300)
    p.add_argument("--callgrind", action="store_true", help="instrumentation on around the N requests only")
    args = p.parse_args()
    if not Path(args.db).exists():
        sys.exit(f"{args.db}: no demo database (make run seeds it)")
    copy = Path(tempfile.mkdtemp()) / "page_cost.sqlite3"
    shutil.copy(args.db, copy)  # the requests renew sessions: the demo stays as it was
    os.environ.update(DATABASE_URL=f"sqlite:///{copy}", SHANZHI_DEBUG="0", SHANZHI_DEMO="1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from shanzhi.accounts import permissions
    from shanzhi.accounts.models import User
    from shanzhi.appeals.models import Appeal

    # Static files by name, as the tests have them (no collected manifest needed).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.get(username=args.user)
    url = args.url
    if args.detail:
        url = f"/appeals/{permissions.visible(user, Appeal).order_by('pk').first().number}/"
    client = Client()
    client.force_login(user)
    for _ in range(5):  # warm: per-process caches and the session's renewal, as a running server has
        response = client.get(url)
    statements = []
    # Counted by a wrapper: Django empties its query log at each request's start.
    with connection.execute_wrapper(lambda execute, sql, *a: statements.append(sql) or execute(sql, *a)):
        client.get(url)
    if args.callgrind:
        control = shutil.which("callgrind_control")
        if control is None:
            sys.exit("--callgrind: callgrind_control is not on PATH (Debian's valgrind package)")
        subprocess.run([control, "--instr=on", str(os.getpid())], check=True, capture_output=True)  # noqa: S603
    started = time.perf_counter()
    for _ in range(args.n):
        client.get(url)
    seconds = time.perf_counter() - started
    if args.callgrind:
        subprocess.run([control, "--instr=off", str(os.getpid())], check=True, capture_output=True)  # noqa: S603
    print(
        f"{url} as {args.user}: HTTP {response.status_code}, {len(statements)} statements, "
        f"{seconds * 1000 / args.n:.2f} ms a request over {args.n} (load {os.getloadavg()[0]:.2f})"
    )
    shutil.rmtree(copy.parent)


if __name__ == "__main__":
    main()
