"""CPU per request of the data centre's pages, in the process and in its PostgreSQL backend, not a
test: steadier than wall time on a shared machine (issue 10). Runs against a database that
``bench/datacentre.py`` loaded (kept as ``bench_datacentre_<N>``), through Django's test client
with DEBUG off; run it from two checkouts in turn to compare two versions of the code.

    .venv/bin/python bench/datacentre_cpu.py                       # 1 M, the district leader's pages
    .venv/bin/python bench/datacentre_cpu.py --appeals 10000000 --requests 30 \\
        "wuquzhang" "wuquzhang ?preset=year&grain=month" "zhengbumen /dc/department/2/"
    .venv/bin/python bench/datacentre_cpu.py --profile 25 "wuquzhang"   # where the process's time goes

Each page is "USER [PATH]": a path starting with "/" as it is, else appended to the user's own
node's dashboard (/dc/<node>/).
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TICK = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid):
    """Seconds of CPU the PostgreSQL backend ``pid`` has used (user + system, from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("pages", nargs="*", default=["wuquzhang", "wuquzhang ?preset=year&grain=month"])
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--appeals", type=int, default=1_000_000)
    p.add_argument("--requests", type=int, default=20)
    p.add_argument("--profile", type=int, default=0, help="print the N costliest functions (cProfile)")
    args = p.parse_args()
    os.environ["DATABASE_URL"] = f"{args.pg}/bench_datacentre_{args.appeals}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    os.environ["SHANZHI_DEBUG"] = "0"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from shanzhi.accounts.models import RoleGrant, User

    for page in args.pages:
        username, _sep, path = page.partition(" ")
        client = Client()
        client.force_login(User.objects.get(username=username))
        if not path.startswith("/"):
            node = RoleGrant.objects.filter(user__username=username).exclude(node=None)
            path = f"/dc/{node.values_list('node', flat=True)[0]}/{path}"
        for _ in range(3):  # warm: the connection, per-process caches, the session's renewal
            if client.get(path).status_code != 200:
                raise SystemExit(f"GET {path} as {username}: not 200")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        profiler = cProfile.Profile() if args.profile else None
        cpu, db, wall = time.process_time(), backend_cpu(pid), time.perf_counter()
        if profiler:
            profiler.enable()
        for _ in range(args.requests):
            client.get(path)
        if profiler:
            profiler.disable()
        n = args.requests
        print(
            f"{username:11s} {path:45s} python {1000 * (time.process_time() - cpu) / n:6.1f} ms  "
            f"postgres {1000 * (backend_cpu(pid) - db) / n:6.1f} ms  "
            f"wall {1000 * (time.perf_counter() - wall) / n:6.1f} ms",
            flush=True,
        )
        if profiler:
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(args.profile)
            stats.sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
