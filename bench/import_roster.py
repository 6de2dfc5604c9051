"""Roster import benchmark (not a test): N synthetic residents into a fresh database, timed.

    .venv/bin/python bench/import_roster.py --rows 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import .venv/bin/python bench/import_roster.py --reset

Without DATABASE_URL it uses its own SQLite file, var/bench/import_roster.sqlite3 (recreated on
every run), so the demo database is never touched. A PostgreSQL database must exist and be empty,
or be named with "bench" and given --reset (which drops and recreates its public schema).

It builds the org tree, compounds and buildings through the services, writes a CSV of synthetic
people (Faker zh_CN names; ID numbers built from county 370402, a birth date, a sequence number and
the GB 11643 check digit), then times what the import page's task does: read the file, validate
every row, write in one transaction. Then it imports the same file again, which must change nothing.
The last line gives both rates, with the machine's load average (the higher of before and after):
the figures mean little on a machine that other work keeps busy.
With --watch, a second thread polls the job's progress the way the job page does, and prints what
it saw (PostgreSQL shows progress during the write; SQLite only after the commit).
"""

import argparse
import csv
import datetime
import math
import os
import random
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
COUNTY = "370402"
GRIDS_PER_COMMUNITY = 4
COMMUNITIES_PER_STREET = 5
RESIDENTS_PER_GRID = 1000
BUILDINGS_PER_GRID = 12
TAGS = ["独居老人", "高龄老人", "残疾人", "低保户", "退役军人", "党员", "留守儿童"]
RELATIONS = ["户主", "配偶", "子女", "父母", "孙子女", "其他"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="residents to import (default 100,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reset", action="store_true", help="empty the PostgreSQL database first")
    parser.add_argument("--watch", action="store_true", help="poll the job's progress from a second thread")
    return parser.parse_args()


def setup_django(args):
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        path = BENCH_DIR / "import_roster.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql" and args.reset:
        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit("--reset only empties a database whose name contains 'bench'.")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    from shanzhi.registry.models import Resident

    if Resident.objects.exists():
        sys.exit("The database already holds residents: point DATABASE_URL at an empty one, or use --reset.")
    return connection


def build_places(n_grids):
    """District → streets → communities → grids, one compound per grid, 12 buildings each."""
    from shanzhi.registry import services

    district = services.create_node(level="district", code=COUNTY, name="基准区")
    places = []  # (grid_code, compound, building names)
    n_communities = math.ceil(n_grids / GRIDS_PER_COMMUNITY)
    n_streets = math.ceil(n_communities / COMMUNITIES_PER_STREET)
    made = 0
    for s in range(1, n_streets + 1):
        street = services.create_node(
            level="street", code=f"{COUNTY}{s:03d}", name=f"第{s}街道", parent=district
        )
        for c in range(1, COMMUNITIES_PER_STREET + 1):
            if made >= n_grids:
                break
            community = services.create_node(
                level="community", code=f"{street.code}{c:03d}", name=f"第{s}街道第{c}社区", parent=street
            )
            for g in range(1, GRIDS_PER_COMMUNITY + 1):
                if made >= n_grids:
                    break
                grid = services.create_node(
                    level="grid",
                    code=f"{community.code}{g:03d}",
                    name=f"{community.name}第{g}网格",
                    parent=community,
                )
                compound = services.create_compound(community=community, name=f"{community.name}{g}号小区")
                names = [f"{b}号楼" for b in range(1, BUILDINGS_PER_GRID + 1)]
                for name in names:
                    services.create_building(compound=compound, grid=grid, name=name, floors=6)
                places.append((grid.code, compound.name, names))
                made += 1
    return district, places


def id_number(rng, used):
    from stdnum.cn import ric

    while True:
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(75 * 365))
        base = f"{COUNTY}{born:%Y%m%d}{rng.randrange(1000):03d}"
        if base not in used:
            used.add(base)
            return base + ric.calc_check_digit(base + "0")


def write_csv(path, n_rows, places, seed):
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    used = set()
    header = ["网格编码", "小区", "楼栋", "单元", "房号", "姓名", "身份证号", "手机号", "与户主关系", "标签"]
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        written = 0
        for grid_code, compound, buildings in places:
            room_no = 0
            while written < n_rows and room_no < RESIDENTS_PER_GRID:
                building = buildings[room_no % len(buildings)]
                unit = f"{rng.randint(1, 3)}单元"
                room = f"{rng.randint(1, 6)}0{rng.randint(1, 4)}"
                for k in range(rng.choice((1, 2, 2, 3, 3, 4))):
                    tags = "、".join(rng.sample(TAGS, rng.choice((1, 2)))) if rng.random() < 0.15 else ""
                    writer.writerow(
                        [
                            grid_code,
                            compound,
                            building,
                            unit,
                            room,
                            fake.name(),
                            id_number(rng, used),
                            f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                            RELATIONS[min(k, len(RELATIONS) - 1)],
                            tags,
                        ]
                    )
                    written += 1
                    room_no += 1
                    if written >= n_rows or room_no >= RESIDENTS_PER_GRID:
                        break
    return written


def watch_progress(job_id, seen, stop):
    """What the job page would show: the job row read on another connection every half second."""
    from django.db import connection

    from shanzhi.registry.models import ImportJob

    while not stop.is_set():
        seen.append(ImportJob.objects.filter(pk=job_id).values_list("processed_rows", flat=True).first())
        stop.wait(0.5)
    connection.close()


def backend_cpu():
    """CPU seconds of the database server process serving this connection (PostgreSQL on this
    machine), or None: with the children's, the CPU an import costs whatever else the machine runs."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(label, path, district, job=None, watch=False):
    from shanzhi.registry import importing

    server, children = backend_cpu(), children_cpu()
    seen, stop = [], threading.Event()
    watcher = threading.Thread(target=watch_progress, args=(job.pk, seen, stop)) if watch and job else None
    marks = [(time.perf_counter(), time.process_time())]
    rows = importing.read_rows(path, path.name)
    marks.append((time.perf_counter(), time.process_time()))
    errors, records = importing.check_rows(rows, scope=district)
    if errors:
        sys.exit(f"{label}: {len(errors)} errors, first {errors[:3]}")
    marks.append((time.perf_counter(), time.process_time()))
    if watcher:
        watcher.start()
    counts = importing.import_rows(rows, by=None, scope=district, job=job, records=records)
    marks.append((time.perf_counter(), time.process_time()))
    if watcher:
        stop.set()
        watcher.join()
    n = len(rows)
    phases = [
        f"{name} {b[0] - a[0]:.1f}s (CPU {b[1] - a[1]:.1f}s)"
        for name, a, b in zip(("read", "validate", "write"), marks, marks[1:], strict=False)
    ]
    wall, cpu = marks[-1][0] - marks[0][0], marks[-1][1] - marks[0][1]
    print(f"{label}: {n:,} rows; {', '.join(phases)}")
    print(
        f"  total {wall:.1f}s = {n / wall:,.0f} rows/s; CPU of this process {cpu:.1f}s = {n / cpu:,.0f} rows per CPU-second"
    )
    others = [f"worker processes {children_cpu() - children:.1f}s"]
    if server is not None:
        server = backend_cpu() - server
        others.append(f"database server process {server:.1f}s")
        cpu += server
    cpu += children_cpu() - children
    print(f"  CPU elsewhere: {', '.join(others)}; in all {cpu:.1f}s = {n / cpu:,.0f} rows per CPU-second")
    print(
        f"  created {counts['created']:,}, updated {counts['updated']:,}, unchanged {counts['unchanged']:,}, "
        f"households created {counts['households_created']:,}"
    )
    counts["rows_per_s"] = n / wall
    if watcher:
        during = sorted({s for s in seen if s})
        print(
            f"  progress seen by another connection during the write: {during[:3]}…{during[-2:]}"
            if during
            else "  progress seen by another connection during the write: none (committed at the end)"
        )
    return counts


def make_job(district):
    import secrets

    from shanzhi.accounts import services as accounts
    from shanzhi.registry.models import ImportJob

    user = accounts.create_user(username="bench_importer", password=secrets.token_urlsafe(16) + "aA1!")
    accounts.grant_role(user, "district_staff", node=district)
    return ImportJob.objects.create(
        created_by=user, scope=district, file="", original_name="bench.csv", status=ImportJob.Status.IMPORTING
    )


def main():
    args = parse_args()
    connection = setup_django(args)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    n_grids = math.ceil(args.rows / RESIDENTS_PER_GRID)
    t = time.perf_counter()
    district, places = build_places(n_grids)
    path = BENCH_DIR / f"roster_{args.rows}.csv"
    written = write_csv(path, args.rows, places, args.seed)
    print(
        f"set-up: {n_grids} grids, {n_grids * BUILDINGS_PER_GRID} buildings, CSV of {written:,} rows "
        f"({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f}s"
    )
    job = make_job(district) if args.watch else None
    load = os.getloadavg()
    first = run_once("first import", path, district, job=job, watch=args.watch)
    second = run_once("re-import   ", path, district)
    assert first["created"] == written and second["unchanged"] == written, "the re-import changed something"
    load = [max(a, b) for a, b in zip(load, os.getloadavg(), strict=True)]
    print(
        f"{connection.vendor}: first import {first['rows_per_s']:,.0f} rows/s, "
        f"re-import of the unchanged file {second['rows_per_s']:,.0f} rows/s "
        f"(load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
