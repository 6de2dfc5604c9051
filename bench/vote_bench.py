"""Owners' assembly vote benchmark (not a test): a 5,000-unit compound, ballots cast by 16 clients
at once, then the live tally read at 5,000 ballots.

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE bench_votes"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_votes .venv/bin/python bench/vote_bench.py --reset

Without DATABASE_URL it uses its own SQLite file under var/bench/ (recreated each run; SQLite
serialises writers, so its figures say little about concurrency). --reset empties a PostgreSQL
database whose name contains "bench" first.

The compound, its households, residents (with encrypted ID numbers), resident accounts, owners
and units go in with bulk INSERTs (data, not the path under test). The vote is opened through
``services.open_vote`` (it freezes the 5,000-unit electorate). Then ``--clients`` threads each
take a share of the owners and POST each owner's ballot to the vote page's ballot URL through
Django's test client (in process: the WSGI stack, middleware, session, the service with its row
locks, the ballot history and the hash-chained audit row; no socket). Each thread has its own
database connection. Sign-in (the session) is made before the clock starts for that request.
Printed: ballots/s over the whole run, p50/p95 of one ballot. Then the staff vote page (which
counts the live tally) is requested ``--tally-requests`` times at 5,000 ballots: p50/p95, and
the count alone (``queries.count``).

Threads share one Python process (the GIL), so this measures the whole stack under contention on
one machine, not a fleet of gunicorn workers.

Measured 2026-12-03 on PostgreSQL, a shared 2-core machine (load average about 6 from other work):
5,000 ballots in 292 s = 17 ballots/s, one ballot p50 443 ms / p95 964 ms (16 clients); live tally
at 5,000 ballots: staff page p50 126 ms / p95 385 ms, the count alone p50 75 ms / p95 104 ms;
close and seal 0.18 s; recount equals seal. Every ballot also appends to the hash-chained audit
trail, whose table lock serialises all writers: that, not the vote, bounds ballots/s here.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--tally-requests", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reset", action="store_true")
    return parser.parse_args()


def setup_django(args):
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("SHANZHI_VAR_DIR", str(BENCH_DIR / "var"))
    if not os.environ.get("DATABASE_URL"):
        path = BENCH_DIR / "votes.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    if connection.vendor == "postgresql" and args.reset:
        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit("--reset only empties a database whose name contains 'bench'.")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    from shanzhi.property.models import Vote

    if Vote.objects.exists():
        sys.exit("The database already holds votes: use an empty one or --reset.")
    return connection


def id_number(i):
    """A synthetic, well-formed resident ID number (GB 11643 check digit)."""
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 20000)
    body = f"370402{born:%Y%m%d}{i % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def build(args, rng):
    from django.contrib.auth.hashers import make_password
    from faker import Faker

    from shanzhi.accounts import services as accounts
    from shanzhi.accounts.models import RoleGrant, User
    from shanzhi.property.models import OwnedUnit, Owner
    from shanzhi.registry import services as registry
    from shanzhi.registry.models import Household, Resident
    from shanzhi.registry.services.people import set_resident_identity
    from shanzhi.registry.services.tree import name_initials

    district = registry.create_node(level="district", code="370402", name="基准区")
    street = registry.create_node(level="street", code="370402001", name="基准街道", parent=district)
    community = registry.create_node(level="community", code="370402001001", name="基准社区", parent=street)
    grid = registry.create_node(level="grid", code="370402001001001", name="基准网格", parent=community)
    compound = registry.create_compound(community=community, name="五千户小区")
    staff = accounts.create_user(
        username="bench_staff",
        password="Bench#2026pass",  # noqa: S106 (a bench-only account)
        display_name="基准社区",
    )
    accounts.grant_role(staff, "community_staff", node=community)
    per_building = 100
    buildings = [
        registry.create_building(compound=compound, grid=grid, name=f"{b + 1}号楼")
        for b in range((args.units + per_building - 1) // per_building)
    ]
    Household.objects.bulk_create(
        [
            Household(
                building=buildings[i // per_building],
                grid=grid,
                unit_no="1单元",
                room=f"{i % per_building + 101}",
            )
            for i in range(args.units)
        ],
        batch_size=2000,
    )
    households = list(Household.objects.filter(building__compound=compound).order_by("id"))
    fake = Faker("zh_CN")
    fake.seed_instance(args.seed)
    names = [fake.name() for _ in range(1000)]
    residents = []
    for i, h in enumerate(households):
        r = Resident(household=h, grid=grid, name=names[i % len(names)], relation="户主")
        r.name_initials = name_initials(r.name)
        set_resident_identity(r, id_number=id_number(i))
        residents.append(r)
    Resident.objects.bulk_create(residents, batch_size=2000)
    residents = list(Resident.objects.filter(grid=grid).order_by("id"))
    unusable = make_password(None)
    User.objects.bulk_create(
        [
            User(username=f"bench_owner_{i}", display_name=r.name, password=unusable)
            for i, r in enumerate(residents)
        ],
        batch_size=2000,
    )
    users = list(User.objects.filter(username__startswith="bench_owner_").order_by("id"))
    RoleGrant.objects.bulk_create(
        [
            RoleGrant(user=u, role="resident", node=grid, resident=r)
            for u, r in zip(users, residents, strict=True)
        ],
        batch_size=2000,
    )
    Owner.objects.bulk_create(
        [Owner(compound=compound, code=f"O{i + 1:05d}", name=r.name) for i, r in enumerate(residents)],
        batch_size=2000,
    )
    owners = list(Owner.objects.filter(compound=compound).order_by("id"))
    Owner.residents.through.objects.bulk_create(
        [Owner.residents.through(owner=o, resident=r) for o, r in zip(owners, residents, strict=True)],
        batch_size=2000,
    )
    OwnedUnit.objects.bulk_create(
        [
            OwnedUnit(household=h, owner=o, area=Decimal(rng.randint(5500, 14500)) / 100)
            for h, o in zip(households, owners, strict=True)
        ],
        batch_size=2000,
    )
    return compound, staff, users


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def cast_all(vote, users, clients, rng):
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    url = reverse("property:vote_cast", args=[vote.pk])
    shares = [users[i::clients] for i in range(clients)]
    latencies, failures = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def run(share):
        client = Client()
        mine = []
        try:
            barrier.wait()
            for user in share:
                client.force_login(user)
                t = time.perf_counter()
                response = client.post(url, {"choice": rng.choice(["yes", "yes", "no", "abstain"])})
                mine.append(time.perf_counter() - t)
                if response.status_code != 302:
                    failures.append(response.status_code)
        finally:
            connection.close()
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(s,)) for s in shares]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, latencies, failures


def main():
    args = parse_args()
    connection = setup_django(args)
    rng = random.Random(args.seed)
    from django.test import Client
    from django.urls import reverse

    from shanzhi.property import queries, services
    from shanzhi.property.models import Ballot, BallotChange

    print(f"Database: {connection.vendor}; {args.units} units, {args.clients} clients", flush=True)
    t = time.perf_counter()
    compound, staff, users = build(args, rng)
    print(f"  build: {time.perf_counter() - t:.1f} s", flush=True)
    today = datetime.date.today()
    vote = services.create_vote(
        compound,
        item=4,
        question="是否解聘物业服务企业",
        called_by="committee",
        starts_on=today,
        ends_on=today + datetime.timedelta(days=14),
        by=staff,
    )
    t = time.perf_counter()
    services.open_vote(vote, by=staff)
    print(f"  open (freeze {args.units} electors): {time.perf_counter() - t:.2f} s", flush=True)

    elapsed, latencies, failures = cast_all(vote, users, args.clients, rng)
    ballots = Ballot.objects.filter(vote=vote).count()
    print(
        f"Ballots: {ballots} in {elapsed:.1f} s = {ballots / elapsed:.0f} ballots/s; failures {len(failures)}"
    )
    print(
        f"  one ballot: p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {pct(latencies, 95) * 1000:.0f} ms"
    )
    assert ballots == len(users) == BallotChange.objects.filter(ballot__vote=vote).count()

    client = Client()
    client.force_login(staff)
    page = reverse("property:vote", args=[vote.pk])
    pages, counts = [], []
    for _ in range(args.tally_requests):
        t = time.perf_counter()
        assert client.get(page).status_code == 200
        pages.append(time.perf_counter() - t)
        t = time.perf_counter()
        result = queries.count(vote)
        counts.append(time.perf_counter() - t)
    print(
        f"Live tally at {result.participating_heads} ballots: page p50 {statistics.median(pages) * 1000:.0f} ms, "
        f"p95 {pct(pages, 95) * 1000:.0f} ms; count alone p50 {statistics.median(counts) * 1000:.0f} ms, "
        f"p95 {pct(counts, 95) * 1000:.0f} ms"
    )
    t = time.perf_counter()
    services.close_vote(vote, by=staff)
    vote.refresh_from_db()
    print(
        f"Close and seal: {time.perf_counter() - t:.2f} s; recount equals seal: {queries.recount_matches(vote)}"
    )


if __name__ == "__main__":
    main()
