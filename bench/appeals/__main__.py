"""Appeals at scale (not a test): 1,000,000 appeals on PostgreSQL, then intake, pages and the sweep.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE bench_appeals"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_appeals .venv/bin/python -m bench.appeals
    … --appeals 20000 --reset          # a small first run; --reset empties a "bench" database
    … --reuse                          # measure again on what is loaded (no load when ≥ N appeals)

Steps: migrate; ``seed_demo`` (the whole district, ``--scale large``: 7 streets, 28 communities,
~200 grids, with few households per grid since appeals do not need them); COPY the appeals and
their timelines (see load.py); ``appeals.rollups.rebuild()`` when that module exists; then a real
gunicorn (``--workers``, DEBUG as ``make run`` has it, see server.py) takes Open311 and API intake
from ``--clients`` threads, and serves the worklist, the metrics page and the API list to logged-in
demo users, timed one request after another; the server is stopped; finally ``manage.py sweep`` is
timed twice (the backlog, whose flags an earlier run set are cleared first, then an idle pass).
Machine facts and load averages are printed with every figure: the machine may be shared.
"""

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PASSWORD = "Shanzhi@2026"  # noqa: S105 - the published demo password (README, registry/demo/logins.py)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--appeals", type=int, default=1_000_000)
    p.add_argument("--open-share", type=float, default=0.1, help="share of open appeals (default 0.1)")
    p.add_argument("--scale", default="large", help="seed_demo scale (default large)")
    p.add_argument("--households-per-grid", type=int, default=40)
    p.add_argument(
        "--reset", action="store_true", help="empty the database first (name must contain 'bench')"
    )
    p.add_argument("--reuse", action="store_true", help="keep a loaded database: load only what is missing")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--intake", type=int, default=2000, help="requests per intake kind")
    p.add_argument("--requests", type=int, default=200, help="sequential requests per page")
    p.add_argument("--page-seconds", type=float, default=90, help="stop a page's series after this long")
    p.add_argument("--skip-sweep", action="store_true")
    p.add_argument(
        "--skip-rebuild",
        action="store_true",
        help="keep the metrics rollups as they are (a --reuse after a full run)",
    )
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args()


def machine():
    load = os.getloadavg()
    return f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"


def setup(args):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "bench/appeals needs DATABASE_URL=postgres://…/bench_appeals: the figures are for PostgreSQL "
            "(SQLite serialises every write, so intake rates from it would mean nothing)."
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False  # no query log growing in memory during the load
    if args.reset:
        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit("--reset only empties a database whose name contains 'bench'.")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    return connection


def step(label):
    class Timer:
        def __enter__(self):
            self.t = time.perf_counter()
            print(f"{label} … ({machine()})", flush=True)
            return self

        def __exit__(self, *exc):
            self.seconds = time.perf_counter() - self.t
            print(f"  {label}: {self.seconds:.1f} s ({machine()})", flush=True)

    return Timer()


def seed(args, summary):
    from shanzhi.project.demo import seed_demo
    from shanzhi.registry.models import OrgNode

    if OrgNode.objects.exists():
        print("district already seeded")
        return
    with step(f"seed_demo --scale {args.scale} --households-per-grid {args.households_per_grid}") as t:
        seed_demo(
            scale=args.scale,
            seed=args.seed,
            households_per_grid=args.households_per_grid,
            say=lambda *_a: None,
        )
    summary.append(("seed_demo", f"{t.seconds:.0f} s", machine()))


def load(args, summary):
    from shanzhi.appeals.models import Appeal

    from . import load as loader

    have = Appeal.objects.count()
    if have >= args.appeals:
        print(f"{have:,} appeals already loaded: no load")
        return
    if have and not args.reuse:
        sys.exit(f"The database holds {have:,} appeals: pass --reuse to top it up, or --reset.")
    n = args.appeals - have
    with step(f"loading {n:,} appeals") as t:
        _n, events, _s = loader.load(n, args.open_share, args.seed + have, say=print)
    rate = n / t.seconds
    print(
        f"  {n:,} appeals + {events:,} events in {t.seconds:.0f} s = {rate:,.0f} appeals/s "
        f"({(n + events) / t.seconds:,.0f} rows/s)"
    )
    summary.append(
        (
            "load (COPY, appeals + events)",
            f"{n:,} + {events:,} rows in {t.seconds:.0f} s, {(n + events) / t.seconds:,.0f} rows/s",
            machine(),
        )
    )


def rollups(summary):
    if importlib.util.find_spec("shanzhi.appeals.rollups") is None:
        print("shanzhi/appeals/rollups.py not there: metrics read the appeals table")
        summary.append(("rollups.rebuild()", "absent (metrics from the appeals table)", ""))
        return False
    from shanzhi.appeals import rollups as module

    if not hasattr(module, "rebuild"):
        summary.append(("rollups.rebuild()", "module without rebuild()", ""))
        return False
    try:
        with step("appeals.rollups.rebuild()") as t:
            result = module.rebuild()
    except Exception as exc:  # another team's module, maybe half-way through its work: report, go on
        print(f"  rollups.rebuild() failed: {exc!r}")
        summary.append(("rollups.rebuild()", f"failed: {str(exc).splitlines()[0]}", machine()))
        return False
    print(f"  rebuild() returned {result!r}")
    summary.append(("rollups.rebuild()", f"{t.seconds:.1f} s", machine()))
    return True


def counts():
    from django.db.models import Count

    from shanzhi.appeals.models import Appeal

    by = dict(Appeal.objects.values_list("status").annotate(n=Count("id")).order_by())
    open_n = sum(v for k, v in by.items() if k not in Appeal.FINAL)
    now = dt.datetime.now(dt.UTC)
    overdue = Appeal.objects.filter(status__in=Appeal.TIMED, suspended=False, deadline__lt=now).count()
    print(
        f"appeals: {sum(by.values()):,} in all, {open_n:,} open, {overdue:,} past their deadline; by status "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(by.items()))
    )


def credentials():
    """An Open311 key, a bearer token for a community staff member, and grid points for each."""
    from shanzhi.accounts.models import RoleGrant, User
    from shanzhi.appeals.models import Category
    from shanzhi.registry.models import OrgNode

    from .load import World
    from .server import manage

    api_key = manage("issue_open311_key", "bench")
    token = manage("issue_api_token", "zhangshequ", "--name", "bench")
    staff = User.objects.get(username="zhangshequ")
    community = (
        RoleGrant.objects.filter(user=staff, node__level="community").values_list("node", flat=True).first()
    )
    world = World()
    points_all = [world.point(g, random.Random(i)) for i, g in enumerate(world.grids)]
    mine = set(OrgNode.objects.filter(parent_id=community, level="grid").values_list("pk", flat=True))
    points_mine = [p for p, g in zip(points_all, world.grids, strict=True) if g[0] in mine]
    codes = list(Category.objects.filter(active=True, parent__isnull=False).values_list("code", flat=True))
    return api_key, token, codes, points_all, points_mine


def intake(args, summary, port):
    from .server import api_request, hammer, open311_request

    api_key, token, codes, points_all, points_mine = credentials()
    for label, make in (
        ("Open311 POST /open311/v2/requests.json", open311_request(api_key, codes, points_all)),
        ("API POST /api/v1/appeals/ (bearer, Idempotency-Key)", api_request(token, codes, points_mine)),
    ):
        hammer(port, make, 4 * args.workers, args.workers)  # warm: each worker imports and connects lazily
        before = machine()
        rps, median, p95, errors, first = hammer(port, make, args.intake, args.clients)
        line = f"{rps:.1f} req/s, median {median:.0f} ms, p95 {p95:.0f} ms, {errors} errors"
        print(
            f"  {label}: {args.intake} requests, {args.clients} clients: {line} ({before} → {machine()})",
            flush=True,
        )
        if errors:
            print(f"  first error: {first}")
        summary.append((f"intake {label}", line, machine()))
    return token


def pages(args, summary, port, token):
    from .server import Session, request, time_get

    today = dt.date.today()
    year = f"start={today - dt.timedelta(days=364):%Y-%m-%d}&end={today:%Y-%m-%d}"
    staff = Session(port).login("zhangshequ", PASSWORD)
    leader = Session(port).login("wuquzhang", PASSWORD)

    def api(path):
        status, _h, body = request(port, "GET", path, headers={"Authorization": f"Bearer {token}"})
        return status, body

    cases = [
        ("worklist 我的待办 (community staff)", staff.get, "/appeals/?bucket=mine"),
        ("worklist 超期 (community staff)", staff.get, "/appeals/?bucket=overdue"),
        ("worklist 辖区全部 (community staff)", staff.get, "/appeals/?bucket=all"),
        ("worklist 超期 (district leader)", leader.get, "/appeals/?bucket=overdue"),
        ("worklist 辖区全部 (district leader)", leader.get, "/appeals/?bucket=all"),
        ("metrics this month, by grid (community staff)", staff.get, "/appeals/metrics/"),
        ("metrics this month, by street (district leader)", leader.get, "/appeals/metrics/?dimension=street"),
        (
            "metrics 12 months, by street (district leader)",
            leader.get,
            f"/appeals/metrics/?dimension=street&{year}",
        ),
        (
            "metrics 12 months, by category (district leader)",
            leader.get,
            f"/appeals/metrics/?dimension=category&{year}",
        ),
        ("API GET /api/v1/appeals/?bucket=mine (community staff)", api, "/api/v1/appeals/?bucket=mine"),
        ("API GET /api/v1/appeals/?bucket=overdue (community staff)", api, "/api/v1/appeals/?bucket=overdue"),
    ]
    for label, fetch, path in cases:
        median, p95, n = time_get(fetch, path, args.requests, args.page_seconds)
        line = f"median {median:.0f} ms, p95 {p95:.0f} ms over {n} requests"
        print(f"  {label}: {line} ({machine()})", flush=True)
        summary.append((label, line, machine()))


def sweep(summary):
    from django.db import connection

    from shanzhi.appeals.models import Appeal

    from .server import manage

    # Every run times the same backlog: the flags an earlier run's sweep set are cleared first.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE appeals_appeal SET warned_at = NULL, overdue_at = NULL WHERE status = ANY(%s)",
            [list(Appeal.TIMED)],
        )
    for label in ("sweep, first pass (the backlog)", "sweep, second pass (idle)"):
        with step(label) as t:
            result = json.loads(manage("sweep"))
        print(f"  {result}")
        summary.append((label, f"{t.seconds:.1f} s: {result}", machine()))


def main():
    args = parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    connection = setup(args)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    facts = (
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {pg} "
        f"(shared_buffers {buffers}), {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {machine()}"
    )
    print(facts, flush=True)
    summary = []
    seed(args, summary)
    load(args, summary)
    counts()
    if not args.skip_rebuild:
        rollups(summary)
    from .server import Gunicorn

    log = BENCH_DIR / "appeals-gunicorn.log"
    try:
        with (
            step(f"gunicorn -w {args.workers} on 127.0.0.1:{args.port}"),
            Gunicorn(args.port, args.workers, log),
        ):
            token = intake(args, summary, args.port)
            pages(args, summary, args.port, token)
    finally:
        print(f"gunicorn stopped (its log: {log})")
    if not args.skip_sweep:
        sweep(summary)
    print("\nSUMMARY  " + facts)
    width = max(len(label) for label, _v, _m in summary)
    for label, value, load_avg in summary:
        print(f"  {label:<{width}}  {value}  [{load_avg}]")


if __name__ == "__main__":
    main()
