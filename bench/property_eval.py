"""Evaluation run benchmark (not a test): 200 property companies of one district, each serving a
compound of 50 households with appeals, entries on every staff-scored indicator of the demo's
16-item / 95-indicator scheme and residents' ratings; then one run over all of them, timed.

    .venv/bin/python bench/property_eval.py            # its own SQLite file under var/bench/
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE bench_property"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_property .venv/bin/python bench/property_eval.py --reset

The data goes in with bulk INSERTs (data, not the path under test); the run is
``services.evaluations.run`` exactly as the background task calls it (chunks of 50 companies,
progress after each). Printed: the seconds of the run.

Measured 2026-12-03 on a shared 2-core machine: 200 companies (10,000 households, 1,090 appeals,
17,600 entries, ~6,000 ratings) scored in 1.99 s on PostgreSQL and 2.06 s on SQLite.
"""

import argparse
import datetime
import os
import random
import secrets
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"


def setup(args):
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SHANZHI_VAR_DIR", str(BENCH_DIR / "var"))
    if not os.environ.get("DATABASE_URL"):
        path = BENCH_DIR / "property_eval.sqlite3"
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


def id_number(i):
    """A synthetic, well-formed resident ID number (GB 11643 check digit)."""
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 20000)
    body = f"370499{born:%Y%m%d}{i % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def build(n_companies, households, rng):
    from shanzhi.accounts import services as accounts
    from shanzhi.appeals.models import Appeal, Category
    from shanzhi.property.demo_scheme import build_scheme
    from shanzhi.property.models import Evaluation, EvaluationEntry, Indicator, ResidentRating
    from shanzhi.property.services import evaluations
    from shanzhi.registry import services as registry
    from shanzhi.registry.models import Building, Compound, Household, PropertyCompany

    district = registry.create_node(level="district", code="370499", name="基准区")
    street = registry.create_node(level="street", code="370499001", name="基准街道", parent=district)
    community = registry.create_node(level="community", code="370499001001", name="基准社区", parent=street)
    grid = registry.create_node(level="grid", code="370499001001001", name="基准网格", parent=community)
    staff = accounts.create_user(
        username="bench_district", password=secrets.token_urlsafe(16), display_name="区"
    )
    accounts.grant_role(staff, "district_staff", node=district)
    version = build_scheme(district, staff, datetime.date(2026, 1, 1))
    period = evaluations.open_period(district, kind="half", starts_on=datetime.date(2026, 7, 1), by=staff)

    PropertyCompany.objects.bulk_create(
        PropertyCompany(name=f"基准物业{i:03d}", district=district) for i in range(n_companies)
    )
    companies = list(PropertyCompany.objects.filter(district=district).order_by("pk"))
    Compound.objects.bulk_create(
        Compound(community=community, name=f"基准小区{i:03d}", property_company=c)
        for i, c in enumerate(companies)
    )
    compounds = list(Compound.objects.filter(community=community).order_by("pk"))
    Building.objects.bulk_create(
        Building(compound=c, grid=grid, name="1号楼", lng=117.5, lat=34.8) for c in compounds
    )
    buildings = list(Building.objects.filter(compound__in=compounds).order_by("pk"))
    Household.objects.bulk_create(
        Household(building=b, grid=grid, unit_no="1单元", room=f"{r + 101}")
        for b in buildings
        for r in range(households)
    )
    homes = list(Household.objects.filter(building__in=buildings).order_by("pk"))
    # One registered resident per compound (ID numbers encrypted through the registry's service);
    # the ratings of its households are recorded under that person (bench data, not a rule).
    first = {}
    for h in homes:
        first.setdefault(h.building_id, h)
    people = {
        b: registry.register_resident(household=h, name="住户", id_number=id_number(i), relation="户主").pk
        for i, (b, h) in enumerate(first.items())
    }
    category = Category.objects.create(
        code="B01", name="物业", deadline_value=5, deadline_unit="workdays", default_handler_kind="grid"
    )
    filed = datetime.datetime(2026, 8, 3, 10, tzinfo=datetime.UTC)
    appeals = []
    for i, b in enumerate(buildings):
        for k in range(rng.randint(0, 12)):
            late = rng.random() < 0.2
            appeals.append(
                Appeal(
                    number=f"B{i:04d}{k:03d}",
                    channel="web",
                    title="报修",
                    description="报修",
                    category=category,
                    building=b,
                    community=community,
                    path=grid.path,
                    status="closed",
                    accepted_at=filed,
                    deadline=filed + datetime.timedelta(days=5),
                    resolved_at=filed + datetime.timedelta(days=7 if late else 2),
                    ever_late=late,
                    rating=rng.choice(["satisfied", "basic", "unsatisfied"]),
                    created_at=filed,
                )
            )
    Appeal.objects.bulk_create(appeals, batch_size=1000)
    Evaluation.objects.bulk_create(Evaluation(company=c, period=period, version=version) for c in companies)
    staff_inds = list(Indicator.objects.filter(item__version=version, source__in=("inspection", "opinion")))
    EvaluationEntry.objects.bulk_create(
        (
            EvaluationEntry(
                evaluation=e,
                indicator=i,
                value=Decimal(0) if i.rule == "veto" else Decimal(rng.choice(["1", "1", "0.5", "0"])),
                by=staff,
            )
            for e in Evaluation.objects.filter(period=period)
            for i in staff_inds
        ),
        batch_size=2000,
    )
    company_of = {b.pk: b.compound.property_company_id for b in Building.objects.select_related("compound")}
    ResidentRating.objects.bulk_create(
        (
            ResidentRating(
                period=period,
                company_id=company_of[h.building_id],
                household=h,
                resident_id=people[h.building_id],
                stars=rng.randint(2, 5),
            )
            for h in homes
            if rng.random() < 0.6
        ),
        batch_size=2000,
    )
    return staff, period, len(appeals)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--households", type=int, default=50)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    setup(args)
    from django.db import connection

    from shanzhi.property.models import Evaluation
    from shanzhi.property.services import evaluations

    staff, period, n_appeals = build(args.companies, args.households, random.Random(7))
    from shanzhi.property.models import EvaluationRun

    run = EvaluationRun.objects.create(period=period, started_by=staff, total=args.companies)
    began = time.perf_counter()
    run = evaluations.run(run)
    seconds = time.perf_counter() - began
    graded = Evaluation.objects.filter(period=period, scored_at__isnull=False).count()
    print(
        f"{connection.vendor}: {graded} companies scored ({n_appeals} appeals, "
        f"{args.companies * args.households} households) in {seconds:.2f} s; run status {run.status}"
    )


if __name__ == "__main__":
    main()
