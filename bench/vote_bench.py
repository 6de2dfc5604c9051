"""Owners' assembly vote benchmark (not a test): a 5,000-unit compound, ballots cast over HTTP by 16
clients at once through gunicorn, then the live tally read at 5,000 ballots.

    .venv/bin/python bench/vote_bench.py --drop             # PostgreSQL on 127.0.0.1, database bench_vote
    .venv/bin/python bench/vote_bench.py --units 500 --drop # a quick one

A database of its own on the server of ``--pg`` (``bench_vote``: dropped and made afresh at the
start; ``--drop`` drops it at the end, after printing its size). The compound, its households,
residents (with encrypted ID numbers), resident accounts, owners and units go in with bulk
INSERTs (data, not the path under test); each owner's browser session is written in bulk too (the
session row ``login`` would write: user id, backend, the password's session hash), as 5,000
password checks would only time the password hasher. The vote is created and opened through the
services (opening freezes the 5,000-unit electorate).

Then gunicorn (``--workers`` sync workers, DEBUG off, loopback only, as ``scripts/serve.sh``)
and ``--clients`` threads, each taking a share of the owners: for each owner one POST of the vote
page's own ballot form (``/property/votes/<id>/ballot/``) with that owner's session cookie and a
CSRF cookie and token, as a phone with the vote page open sends it; the answer must be the 302
back to the vote page. That is the whole stack: WSGI, every middleware (session saved on every
request, CSRF, the second-factor check), the service with its row locks, the ballot history and
the hash-chained audit row. Printed: ballots/s over the run, one ballot's p50/p95, errors. The
run stops after ``--max-seconds`` and reports what it cast.

Last, a community staff member signs in through the login form and reads the staff vote page
(which counts the live tally) ``--tally-requests`` times at 5,000 ballots, one after another:
p50/p95; and ``queries.count`` alone in this process. Then the vote is closed and sealed, and the
recount compared with the seal. Every figure is printed with the load average (the machine may be
shared).

Measured 2026-12-03 on PostgreSQL, a shared 2-core machine (load average 7 to 10 from other work
and the bench itself), 4 sync workers: 5,000 ballots in 262 s = 19.1 ballots/s, one ballot p50
816 ms / p95 1,024 ms (16 clients queue on 4 workers), no errors; the staff vote page with the
live tally at 5,000 ballots p50 114 ms / p95 472 ms, ``queries.count`` alone p50 63 ms / p95 85 ms;
close and seal 0.08 s, recount equal to the seal; the database 37 MB (dropped). As in process
before (17 ballots/s), the hash-chained audit row, whose lock serialises every writer, bounds the
rate, not the vote's own locks.
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.common import load_avg, pct  # noqa: E402

DB = "bench_vote"
STAFF_PASSWORD = "Bench#2026pass"  # noqa: S105 - a bench-only account in a throw-away database


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL, no database")
    p.add_argument("--units", type=int, default=5000)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    p.add_argument("--port", type=int, default=8797)
    p.add_argument("--tally-requests", type=int, default=40)
    p.add_argument("--max-seconds", type=float, default=900, help="stop casting after this long")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--drop", action="store_true", help="drop the database at the end")
    return p.parse_args()


def psql(sql, db="postgres"):
    return common.psql(ARGS.pg, sql, db)


def prepare():
    psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB}")
    os.environ["DATABASE_URL"] = f"{ARGS.pg}/{DB}"
    os.environ["SHANZHI_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def id_number(i):
    """A synthetic, well-formed resident ID number (GB 11643 check digit)."""
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 20000)
    body = f"370402{born:%Y%m%d}{i % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def build(rng):
    """The compound and its owners in bulk; (compound, staff user, owner users)."""
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
    staff = accounts.create_user(username="bench_staff", password=STAFF_PASSWORD, display_name="基准社区")
    accounts.grant_role(staff, "community_staff", node=community)
    per_building = 100
    buildings = [
        registry.create_building(compound=compound, grid=grid, name=f"{b + 1}号楼")
        for b in range((ARGS.units + per_building - 1) // per_building)
    ]
    Household.objects.bulk_create(
        [
            Household(
                building=buildings[i // per_building],
                grid=grid,
                unit_no="1单元",
                room=f"{i % per_building + 101}",
            )
            for i in range(ARGS.units)
        ],
        batch_size=2000,
    )
    households = list(Household.objects.filter(building__compound=compound).order_by("id"))
    fake = Faker("zh_CN")
    fake.seed_instance(ARGS.seed)
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


def sessions_for(users):
    """{user id: session key}: the session row a login writes, for each owner, in bulk."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    store, expires, rows, keys = SessionStore(), timezone.now() + datetime.timedelta(hours=2), [], {}
    for u in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(u.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: u.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys[u.pk] = key
    Session.objects.bulk_create(rows, batch_size=2000)
    return keys


def cast_over_http(vote, users, keys, rng):
    """Each client thread POSTs its owners' ballots one after another; (seconds, latencies, errors)."""
    from django.utils.crypto import get_random_string

    from bench.appeals.server import request

    path = f"/property/votes/{vote.pk}/ballot/"
    back = f"/property/votes/{vote.pk}/"
    shares = [users[i :: ARGS.clients] for i in range(ARGS.clients)]
    latencies, errors, lock = [], [], threading.Lock()
    barrier = threading.Barrier(ARGS.clients)
    deadline = time.perf_counter() + ARGS.max_seconds
    choices = [rng.choice(["yes", "yes", "no", "abstain"]) for _ in users]
    index = {u.pk: i for i, u in enumerate(users)}

    def run(share):
        csrf = get_random_string(32)  # the CSRF cookie this phone holds, and the form's token
        mine, bad = [], []
        barrier.wait()
        for user in share:
            if time.perf_counter() > deadline:
                break
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "choice": choices[index[user.pk]]})
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"sessionid={keys[user.pk]}; csrftoken={csrf}",
            }
            t = time.perf_counter()
            try:
                status, got, payload = request(
                    ARGS.port, "POST", path, body=body, headers=headers, timeout=120
                )
            except OSError as exc:
                status, got, payload = None, [], repr(exc).encode()
            mine.append(time.perf_counter() - t)
            location = dict((k.lower(), v) for k, v in got).get("location", "")
            if status != 302 or not location.endswith(back):
                bad.append(f"HTTP {status} → {location or payload[:200]!r}")
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=run, args=(s,)) for s in shares]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, latencies, errors


def read_tally(vote):
    """The staff vote page (it counts the live tally) through gunicorn, signed in by the login form."""
    from bench.appeals.server import Session

    session = Session(ARGS.port).login("bench_staff", STAFF_PASSWORD)
    path = f"/property/votes/{vote.pk}/"
    status, body = session.get(path)  # warm: the worker's connection, template cache
    if status != 200:
        raise SystemExit(f"GET {path}: HTTP {status}: {body[:300]!r}")
    samples = []
    for _ in range(ARGS.tally_requests):
        t = time.perf_counter()
        status, body = session.get(path)
        samples.append(time.perf_counter() - t)
        if status != 200:
            raise SystemExit(f"GET {path}: HTTP {status}: {body[:300]!r}")
    return samples


def main():
    started = time.perf_counter()
    print(
        f"bench/vote_bench: {os.cpu_count()} cores, load {load_avg()}; {ARGS.units} units, "
        f"{ARGS.clients} clients, {ARGS.workers} gunicorn sync workers",
        flush=True,
    )
    rows = []
    try:
        prepare()
        from django.db import connections
        from django.utils import timezone

        from bench.appeals.server import Gunicorn
        from shanzhi.property import queries, services
        from shanzhi.property.models import Ballot, BallotChange

        rng = random.Random(ARGS.seed)
        t = time.perf_counter()
        compound, staff, users = build(rng)
        keys = sessions_for(users)
        print(f"  build (bulk) and {len(keys)} sessions: {time.perf_counter() - t:.1f} s", flush=True)
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
        print(f"  open (freeze {ARGS.units} electors): {time.perf_counter() - t:.2f} s", flush=True)
        subprocess.run(  # noqa: S603 - fixed command line: hashed static files for DEBUG off
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, check=True
        )
        connections.close_all()
        log = ROOT / "var" / "bench-vote-gunicorn.log"
        with Gunicorn(ARGS.port, ARGS.workers, log):
            print(f"Casting over HTTP … (load {load_avg()})", flush=True)
            seconds, latencies, errors = cast_over_http(vote, users, keys, rng)
            cast_load = load_avg()
            ballots = Ballot.objects.filter(vote=vote).count()
            print(
                f"  {ballots} ballots in {seconds:.1f} s, {len(errors)} errors (load {cast_load})", flush=True
            )
            for e in errors[:3]:
                print(f"    {e}", flush=True)
            rows.append(
                (
                    f"cast, {ARGS.clients} clients",
                    f"{ballots / seconds:.1f} ballots/s",
                    statistics.median(latencies) * 1000,
                    pct(latencies, 95) * 1000,
                    f"{len(latencies)} ({len(errors)} errors)",
                    cast_load,
                )
            )
            assert ballots == len(latencies) - len(errors), "a ballot answered 302 without being stored"
            assert BallotChange.objects.filter(ballot__vote=vote).count() == ballots
            pages = read_tally(vote)
            rows.append(
                (
                    f"staff vote page (live tally at {ballots} ballots)",
                    "",
                    statistics.median(pages) * 1000,
                    pct(pages, 95) * 1000,
                    str(len(pages)),
                    load_avg(),
                )
            )
        counts = []
        for _ in range(ARGS.tally_requests):
            t = time.perf_counter()
            result = queries.count(vote)
            counts.append(time.perf_counter() - t)
        rows.append(
            (
                f"queries.count alone ({result.participating_heads} ballots)",
                "",
                statistics.median(counts) * 1000,
                pct(counts, 95) * 1000,
                str(len(counts)),
                load_avg(),
            )
        )
        t = time.perf_counter()
        # Closed as the sweep or staff would after the period's last day (never before it).
        services.close_vote(vote, by=staff, now=timezone.now() + datetime.timedelta(days=15))
        vote.refresh_from_db()
        print(
            f"Close and seal: {time.perf_counter() - t:.2f} s; recount equals seal: {queries.recount_matches(vote)}",
            flush=True,
        )
        print(
            "\n| phase | throughput | p50 ms | p95 ms | requests | load avg |\n| --- | ---: | ---: | ---: | ---: | --- |"
        )
        for label, rate, p50, p95, n, load in rows:
            print(f"| {label} | {rate} | {p50:.0f} | {p95:.0f} | {n} | {load} |")
        size = psql(f"SELECT pg_size_pretty(pg_database_size('{DB}'))")
        print(f"\ndatabase {DB}: {size}")
    finally:
        if ARGS.drop:
            try:
                from django.db import connections

                connections.close_all()
            except ImportError:
                pass
            psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
            print(f"dropped {DB}")
        print(f"total {time.perf_counter() - started:.0f} s, load {load_avg()}", flush=True)


if __name__ == "__main__":
    ARGS = parse_args()
    main()
