"""The data centre at city scale (issue 10), not a test: dashboards, map layers and a monthly report
over N appeals of the large demo district on PostgreSQL.

    .venv/bin/python bench/datacentre.py                      # 1,000,000 appeals (kept for a rerun)
    .venv/bin/python bench/datacentre.py --appeals 10000000   # the big run (or 20000: a quick one)
    .venv/bin/python bench/datacentre.py --appeals 1000000,10000000  # both, one table with the ratio

A database of its own on the server of ``--pg`` (``bench_datacentre_<N>``, kept: a second run
measures again without loading; ``--drop`` drops it at the end). Steps: migrate; ``seed_demo
--scale large`` (7 streets, 28 communities, ~200 grids, few households); the appeals COPYed in by
``bench/appeals/load.py`` (bulk rows, not services; their timelines are left out, the data centre
reads none); then the rollups in two statements: the day rows are Django's own query of
``appeals.rollups`` (``counted``, ``figure_q``, ``_aggregates``, grouped by the day of filing as
well) compiled to SQL and wrapped in an ``INSERT … SELECT``, the month rows summed from them per
grid, category and department as ``rollups._refresh_month`` does, the day totals, month totals and
backlog by the statements of the migrations that made them; a few cells recomputed by
``rollups.refresh`` must come out identical. On a database loaded before a migration that adds or
reshapes a rollup, ``migrate`` fills it by SQL from the loaded rows and the same check follows.

Then each page once in process (statements, and sequential scans of the big tables in their
plans), gunicorn (``--workers`` sync workers, DEBUG off, loopback) with one signed-in client per
phase, one request after another: each level's dashboard (this month; the year by month) and map
layer, a department's and a property company's dashboards, p50/p95 in ms with the load average
(the machine may be shared); last,
``services.run_report`` (the report task's body) for last month of a district, street, community.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.common import load_avg  # noqa: E402

PASSWORD = "Shanzhi@2026"  # noqa: S105 - the published demo password (registry/demo/logins.py)
ROLLUP_TABLES = (
    "appeals_appealdaystat",
    "appeals_appealdepartmentmonth",
    "appeals_appealdepartmentday",
    "appeals_appealmonthstat",
    "appeals_appealmonthtotal",
    "appeals_appealdaytotal",
    "appeals_appealbacklogstat",
    "appeals_appealbacklogmonth",
    "appeals_appealbacklogcell",
)
USERS = (
    ("district", "wuquzhang"),
    ("street", "liujiedao"),
    ("community", "zhangshequ"),
    ("grid", "wangwangge"),
)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL, no database")
    p.add_argument(
        "--appeals",
        default="1000000",
        help="N, or several (comma-separated): each in its own database and process, then one table "
        "of every phase at each N with the ratio of the last N to the first",
    )
    p.add_argument("--json", help=argparse.SUPPRESS)  # where a child run writes its results
    p.add_argument("--households-per-grid", type=int, default=20)
    p.add_argument("--requests", type=int, default=40, help="sequential requests per phase")
    p.add_argument("--phase-seconds", type=float, default=20, help="stop a phase after this long")
    p.add_argument("--reports", type=int, default=1, help="reports of each level timed")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--port", type=int, default=8796)
    p.add_argument("--drop", action="store_true", help="drop the database at the end")
    return p.parse_args()


def psql(sql, db="postgres"):
    return common.psql(ARGS.pg, sql, db)


def timed(label):
    class Timer:
        def __enter__(self):
            self.t = time.perf_counter()
            print(f"{label} … (load {load_avg()})", flush=True)
            return self

        def __exit__(self, *exc):
            self.seconds = time.perf_counter() - self.t
            print(f"  {label}: {self.seconds:.1f} s (load {load_avg()})", flush=True)

    return Timer()


# --- the data ------------------------------------------------------------------------------------


def prepare(db, n):
    import django

    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") != "1":
        psql(f"CREATE DATABASE {db}")
    os.environ["DATABASE_URL"] = f"{ARGS.pg}/{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    os.environ["SHANZHI_DEBUG"] = "0"
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from shanzhi.appeals.models import Appeal
    from shanzhi.project.demo import seed_demo
    from shanzhi.registry.models import OrgNode

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    with timed(f"migrate ({len(pending)} migrations)"):
        call_command("migrate", verbosity=0)
    if not OrgNode.objects.exists():
        with timed("seed_demo --scale large"):
            seed_demo(
                scale="large", seed=1, households_per_grid=ARGS.households_per_grid, say=lambda *_a: None
            )
    have = Appeal.objects.count()
    if have >= n:
        print(f"{have:,} appeals already loaded", flush=True)
        if pending and have:
            # A migration that made or reshaped a rollup filled it by SQL from the loaded rows
            # (``appeals/0024``'s and ``0026``'s ``fill_sql``): the same check as after a load, at
            # the load's own ``now`` (the due counters depend on it), and fresh planner statistics.
            from shanzhi.appeals.models import AppealDayStat

            check_rollups(
                AppealDayStat.objects.order_by("-refreshed_at").values_list("refreshed_at", flat=True)[0]
            )
            vacuum()
        return
    from bench.appeals import load as loader

    loader._events = lambda *_a: ()  # no timelines: the data centre reads none
    with timed(f"COPY {n - have:,} appeals"):
        loader.load(n - have, 0.1, have + 1, say=lambda m: print(m, flush=True))
    with timed("rollups by SQL"):
        now = rollups_by_sql()
    check_rollups(now)
    vacuum()


def vacuum():
    """As autovacuum leaves a table in steady state: the visibility map lets a count of the open
    backlog be answered from its partial index alone."""
    from django.db import connection

    with timed("VACUUM (ANALYZE)"), connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) appeals_appeal, {', '.join(ROLLUP_TABLES)}")


def _day_rows_sql(now):
    """``rollups._rows`` over every appeal at once (grouped by the day of filing too), as SQL."""
    from django.db.models.functions import TruncDate

    from shanzhi.appeals import rollups
    from shanzhi.appeals.models import Appeal

    qs = (
        rollups.counted(Appeal.objects.all())
        .annotate(filed=TruncDate("created_at"), due_day=TruncDate("deadline"))
        .values("filed", *rollups.KEY, "due_day")
        .annotate(**rollups._aggregates(now))
        .order_by()
    )
    return qs.query.sql_with_params()


def rollups_by_sql():
    from django.db import connection, transaction
    from django.utils import timezone

    from shanzhi.appeals import rollups

    now = timezone.now()
    sql, params = _day_rows_sql(now)
    counters = (*rollups.COUNTERS, *rollups.DUE_COUNTERS)
    street = "CASE WHEN array_length(p, 1) >= 2 THEN array_to_string(p[1:2], '/') || '/' ELSE '' END"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM appeals_appealmonthstat; DELETE FROM appeals_appealdaystat")
        cursor.execute(
            "INSERT INTO appeals_appealdaystat (day, due_day, path, street_path, grid_id, community_id, "
            f"category_id, department_id, handling, next_due_at, refreshed_at, {', '.join(counters)}) "
            f"SELECT filed, due_day, path, {street}, grid_id, community_id, category_id, "
            "assignee_department_id, COALESCE(n_handling, interval '0'), n_next_due_at, %s, "
            + ", ".join(f"n_{c}" for c in counters)
            + f" FROM (SELECT s.*, string_to_array(rtrim(s.path, '/'), '/') AS p FROM ({sql}) s) t",
            [now, *params],
        )
        # rollups.month_rows: per (month, community), summed per grid, category, department and
        # per month of the deadline.
        month_counters = ", ".join(counters)
        sums = ", ".join(f"SUM({c})" for c in counters)
        place = "array_to_string((string_to_array(rtrim(path, '/'), '/'))[1:3], '/') || '/'"
        selects = [
            f"SELECT date_trunc('month', day)::date, community_id, {place}, MIN(street_path), "
            f"'{dimension}', {key}, date_trunc('month', due_day)::date, %s, SUM(handling), {sums} "
            f"FROM appeals_appealdaystat GROUP BY 1, 2, 3, {key}, 7"
            for dimension, key in (
                ("grid", "grid_id"),
                ("category", "category_id"),
                ("department", "department_id"),
            )
        ]
        cursor.execute(
            "INSERT INTO appeals_appealmonthstat (month, community_id, path, street_path, dimension, key, "
            f"due_month, refreshed_at, handling, {month_counters}) " + " UNION ALL ".join(selects),
            [now, now, now],
        )
        # The day totals from the day rows and the backlog from the open cases: the statements of
        # the migration that made them (rollups.refresh rebuilds the same rows, check_rollups says).
        cursor.execute("DELETE FROM appeals_appealdaytotal; DELETE FROM appeals_appealbacklogstat")
    with transaction.atomic(), connection.schema_editor() as editor:
        import_module("shanzhi.appeals.migrations.0020_day_totals_backlog")._fill_sql(editor)
        # The month rows' grid rows under the grid's path and the month totals (appeals/0024), the
        # backlog's cells and month rows (0026).
        import_module("shanzhi.appeals.migrations.0024_month_totals").fill_sql(editor, now)
        import_module("shanzhi.appeals.migrations.0026_backlog_cells_months").fill_sql(editor, now)
        # The department rows (appeals/0027); the day totals in their filed and due rows (0028); the
        # department days (0034).
        import_module("shanzhi.appeals.migrations.0027_department_months").fill_sql(editor, now)
        import_module("shanzhi.appeals.migrations.0028_day_totals_filed_rows").fill_sql(editor, now)
        import_module("shanzhi.appeals.migrations.0034_department_days").fill_sql(editor, now)
    with connection.cursor() as cursor:
        for table in ROLLUP_TABLES:
            cursor.execute(f"ANALYZE {table}")
            cursor.execute(f"SELECT count(*) FROM {table}")
            print(f"  {table}: {cursor.fetchone()[0]:,} rows", flush=True)
    return now


def _cell_rows(rows, day, month, community):
    from shanzhi.appeals.models import (
        AppealBacklogCell,
        AppealBacklogMonth,
        AppealBacklogStat,
        AppealDayStat,
        AppealDayTotal,
        AppealDepartmentDay,
        AppealDepartmentMonth,
        AppealMonthStat,
        AppealMonthTotal,
    )

    return (
        rows(AppealDayStat, day=day, community_id=community),
        rows(AppealMonthStat, month=month, community_id=community),
        rows(AppealMonthTotal, month=month, community_id=community),
        rows(AppealDepartmentMonth, month=month, community_id=community),
        rows(AppealDayTotal, day=day, community_id=community),
        rows(AppealDepartmentDay, day=day, community_id=community),
        rows(AppealBacklogStat, community_id=community),
        rows(AppealBacklogMonth, community_id=community),
        rows(AppealBacklogCell, community_id=community),
    )


def check_rollups(now, cells=3):
    """Recompute a few cells with ``rollups.refresh`` (same ``now``): the rows must not change."""
    from shanzhi.appeals import rollups
    from shanzhi.appeals.models import AppealDayStat

    skip = {"id", "refreshed_at"}

    def rows(model, **where):
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        return sorted(model.objects.filter(**where).values_list(*names), key=repr)

    picked = list(AppealDayStat.objects.values_list("day", "community_id").distinct().order_by("?")[:cells])
    for day, community in picked:
        month = rollups.month_of(day)
        before = _cell_rows(rows, day, month, community)
        rollups.refresh(day, community, now=now)
        after = _cell_rows(rows, day, month, community)
        if before != after:
            raise SystemExit(f"rollup check: cell ({day}, {community}) differs from rollups.refresh")
    print(f"  rollup check: {len(picked)} cells recomputed by appeals.rollups.refresh: identical", flush=True)


# --- the pages -----------------------------------------------------------------------------------


def phases():
    from shanzhi.accounts.models import RoleGrant

    out = []
    for level, username in USERS:
        node = RoleGrant.objects.filter(user__username=username, node__level=level).values_list(
            "node", flat=True
        )[0]
        out += [
            (f"{level} dashboard (month)", username, f"/dc/{node}/"),
            (f"{level} dashboard (year)", username, f"/dc/{node}/?preset=year&grain=month"),
            (f"{level} map (month)", username, f"/dc/{node}/map.geojson"),
        ]
    # A department's and a property company's dashboards (their own staff's).
    for kind, username, field in (
        ("department", "zhengbumen", "department"),
        ("company", "fengwuye", "property_company"),
    ):
        unit = RoleGrant.objects.filter(user__username=username).values_list(field, flat=True)[0]
        out += [
            (f"{kind} dashboard (month)", username, f"/dc/{kind}/{unit}/"),
            (f"{kind} dashboard (year)", username, f"/dc/{kind}/{unit}/?preset=year&grain=month"),
        ]
    return out


def collectstatic():
    subprocess.run(  # noqa: S603 - fixed command line: hashed static files for DEBUG off
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True
    )


def measure_pages(results):
    from bench.appeals.server import Gunicorn, Session

    env = dict(os.environ, SHANZHI_DEBUG="0")
    os.environ.update(env)
    log = ROOT / "var" / "bench-datacentre-gunicorn.log"
    sessions = {}
    with Gunicorn(ARGS.port, ARGS.workers, log):
        for label, username, path in phases():
            if username not in sessions:
                sessions[username] = Session(ARGS.port).login(username, PASSWORD)
            results[label] = time_phase(sessions[username], path)
            r = results[label]
            print(f"  {label}: p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms ({r['n']} requests)", flush=True)


def time_phase(session, path):
    for _ in range(2):  # warm: the worker's connection and per-process caches
        status, body = session.get(path)
        if status != 200:
            raise SystemExit(f"GET {path}: HTTP {status}: {body[:300]!r}")
    samples, started = [], time.perf_counter()
    while len(samples) < ARGS.requests and time.perf_counter() - started < ARGS.phase_seconds:
        t = time.perf_counter()
        status, body = session.get(path)
        samples.append((time.perf_counter() - t) * 1000)
        if status != 200:
            raise SystemExit(f"GET {path}: HTTP {status}: {body[:300]!r}")
    return summary(samples)


def summary(samples):
    ordered, n = sorted(samples), len(samples)
    p95 = ordered[min(n - 1, int(0.95 * n))]
    return {"p50": statistics.median(ordered), "p95": p95, "n": n, "load": load_avg()}


BIG_TABLES = ("appeals_appeal", *ROLLUP_TABLES)


def explain_pages():
    """Each page once in this process (Django's test client): its statements, their time, and any
    sequential scan of the appeals table or the rollups in their plans (EXPLAIN)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from shanzhi.accounts.models import User

    print("\nStatements per page (in process, warm), and sequential scans of the big tables:", flush=True)
    clients = {}
    for label, username, path in phases():
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        client = clients[username]
        client.get(path)  # warm
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(path).status_code
        scans, slowest = set(), (0.0, "")
        for q in ctx.captured_queries:
            ms = float(q["time"]) * 1000
            slowest = max(slowest, (ms, q["sql"][:160]))
            if not q["sql"].lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (FORMAT JSON) " + q["sql"])
                plan = json.dumps(cursor.fetchone()[0])
            scans |= {t for t in BIG_TABLES if _seq_on(plan, t)}
        total = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        print(
            f"  {label}: HTTP {status}, {len(ctx.captured_queries)} statements, {total:.0f} ms in SQL; "
            f"seq scans: {', '.join(sorted(scans)) or 'none'}; slowest {slowest[0]:.0f} ms: {slowest[1]}",
            flush=True,
        )


def _seq_on(plan_json, table):
    """Does the plan hold a Seq Scan node on ``table``?"""

    def walk(node):
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") == table:
            return True
        return any(walk(child) for child in node.get("Plans", []))

    return any(walk(p["Plan"]) for p in json.loads(plan_json))


def measure_reports(results):
    from django.utils import timezone

    from shanzhi.accounts.models import User
    from shanzhi.datacentre import services
    from shanzhi.datacentre.models import Report
    from shanzhi.registry.models import OrgNode

    leader = User.objects.get(username="wuquzhang")
    last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    start = last.replace(day=1)
    rng = random.Random(1)
    for level in ("district", "street", "community"):
        nodes = list(OrgNode.objects.filter(level=level).order_by("pk"))
        samples = []
        for _ in range(ARGS.reports):
            report = Report(node=rng.choice(nodes), start=start, last=last, requested_by=leader)
            report.save()
            t = time.perf_counter()
            made = services.run_report(report)
            samples.append((time.perf_counter() - t) * 1000)
            if made.status != Report.Status.DONE:
                raise SystemExit(f"report {report.pk}: {made.status} {made.error}")
        results[f"{level} monthly report"] = summary(samples)
        r = results[f"{level} monthly report"]
        print(f"  {level} monthly report: p50 {r['p50']:.0f} ms ({r['n']} made)", flush=True)


def run_one(n):
    """Load (if needed) and measure ``n`` appeals in this process; returns {phase: summary}."""
    db = f"bench_datacentre_{n}"
    started = time.perf_counter()
    print(
        f"bench/datacentre: {os.cpu_count()} cores, load {load_avg()}, {n:,} appeals, "
        f"{ARGS.workers} sync workers, {ARGS.requests} requests a phase (at most {ARGS.phase_seconds:g} s)",
        flush=True,
    )
    results = {}
    try:
        prepare(db, n)
        from django.db import connections

        collectstatic()  # before the pages in process too: DEBUG off reads the manifest
        explain_pages()
        connections.close_all()
        measure_pages(results)
        measure_reports(results)
        print(
            f"\n{n:,} appeals\n\n| phase | p50 ms | p95 ms | requests | load avg |\n| --- | ---: | ---: | ---: | --- |"
        )
        for label, r in results.items():
            print(f"| {label} | {r['p50']:.0f} | {r['p95']:.0f} | {r['n']} | {r['load']} |")
    finally:
        if ARGS.drop:
            from django.db import connections

            connections.close_all()
            psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        print(f"\ntotal {time.perf_counter() - started:.0f} s, load {load_avg()}", flush=True)
    return results


def run_several(sizes):
    """Each N in a child process of its own (Django binds one database per process), then one
    table: p50/p95 at every N and the ratio of the last to the first (cost must not grow with
    history: the goal is at most 1.5)."""
    import tempfile

    runs = {}
    for n in sizes:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            argv = [a for a in sys.argv[1:]]
            at = argv.index("--appeals")
            argv[at + 1] = str(n)
            subprocess.run([sys.executable, __file__, *argv, "--json", out.name], check=True)  # noqa: S603
            runs[n] = json.loads(Path(out.name).read_text())
    first, last = sizes[0], sizes[-1]
    head = " | ".join(f"{n:,} p50 | {n:,} p95" for n in sizes)
    print(f"\n| phase | {head} | p95 ratio {last:,}/{first:,} | load avg |")
    print("| --- |" + " ---: |" * (2 * len(sizes) + 1) + " --- |")
    for label in runs[first]:
        cells = " | ".join(f"{runs[n][label]['p50']:.0f} | {runs[n][label]['p95']:.0f}" for n in sizes)
        ratio = runs[last][label]["p95"] / max(runs[first][label]["p95"], 0.001)
        loads = " / ".join(runs[n][label]["load"] for n in sizes)
        print(f"| {label} | {cells} | {ratio:.2f} | {loads} |")


def main():
    sizes = [int(n.replace("_", "")) for n in str(ARGS.appeals).split(",")]
    if len(sizes) > 1:
        run_several(sizes)
        return
    results = run_one(sizes[0])
    if ARGS.json:
        Path(ARGS.json).write_text(json.dumps(results))


if __name__ == "__main__":
    ARGS = parse_args()
    main()
