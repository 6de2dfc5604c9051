"""Love-bank benchmark (not a test): 100,000 members, 1,000,000 ledger movements, then the balance
page and the ranking page timed over repeated requests (median / p95).

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE bench_ledger"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ledger .venv/bin/python bench/ledger.py --reset

Without DATABASE_URL it uses its own SQLite file under var/bench/ (recreated each run). --reset
empties a PostgreSQL database whose name contains "bench" first.

How the data goes in: members, their volunteer profiles and accounts with bulk INSERTs; the
movements with COPY (PostgreSQL) or executemany (SQLite) while the ledger's triggers are switched
off, the way a restore loads a table; then every balance is set from its movements in one UPDATE
and the triggers are switched back on, and the invariant (balance = credits − debits, persons never
negative, all balances summing to zero) is verified with one query. The rankings rollup is built
from the movements with INSERT … SELECT. Then a few thousand postings go through ``ledger.earn``
with the triggers on, to show the cost of the real write path, and the pages are timed with
Django's test client (in process: the WSGI stack minus the socket).

With ``--http-workers N`` the same pages are also timed over HTTP against a real gunicorn with N sync
workers on ``--port`` (8766 by default, never the demo's 8000), with ``SHANZHI_DEBUG=0`` and
the project's settings otherwise (see ``http_app``): first one request at a time (latency), then as many
clients at once as there are workers (latency under load, and requests per second). Each client
carries a signed-in session cookie, and every request opens a new connection (sync workers close it).
``--reuse`` skips the build when the database already holds the bench data, so the HTTP figures can
be taken again without reloading a million rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ledger .venv/bin/python bench/ledger.py \
        --reuse --http-workers 4
"""

import argparse
import datetime
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
COUNTY = "370402"
STREETS = 4
COMMUNITIES_PER_STREET = 5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per timed page")
    parser.add_argument(
        "--postings", type=int, default=2000, help="postings through ledger.earn, triggers on"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="time the pages on the data already loaded")
    parser.add_argument("--http-workers", type=int, default=0, help="also time over HTTP: gunicorn workers")
    parser.add_argument("--port", type=int, default=8766)
    return parser.parse_args()


def setup_django(args):
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    # Its own secrets and static files: the sessions made here must be readable by the gunicorn it
    # starts, and collectstatic must not write into the demo's var/.
    os.environ.setdefault("SHANZHI_VAR_DIR", str(BENCH_DIR / "var"))
    if not os.environ.get("DATABASE_URL"):
        if args.reuse:
            sys.exit("--reuse needs DATABASE_URL (the SQLite file is recreated each run).")
        path = BENCH_DIR / "ledger.sqlite3"
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

    settings.DEBUG = False  # no query log growing in memory while timing
    if connection.vendor == "postgresql" and args.reset and not args.reuse:
        if "bench" not in connection.settings_dict["NAME"]:
            sys.exit("--reset only empties a database whose name contains 'bench'.")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    from shanzhi.volunteering.models import Movement

    if Movement.objects.exists() and not args.reuse:
        sys.exit("The database already holds movements: use an empty one, --reset, or --reuse.")
    return connection


def timed(label):
    class Timer:
        def __enter__(self):
            self.t = time.perf_counter()
            return self

        def __exit__(self, *exc):
            self.seconds = time.perf_counter() - self.t
            print(f"  {label}: {self.seconds:.1f} s", flush=True)

    return Timer()


def build_tree():
    from shanzhi.registry import services

    district = services.create_node(level="district", code=COUNTY, name="基准区")
    communities = []
    for s in range(1, STREETS + 1):
        street = services.create_node(
            level="street", code=f"{COUNTY}{s:03d}", name=f"第{s}街道", parent=district
        )
        for c in range(1, COMMUNITIES_PER_STREET + 1):
            community = services.create_node(
                level="community", code=f"{street.code}{c:03d}", name=f"第{s}街道第{c}社区", parent=street
            )
            services.create_node(
                level="grid", code=f"{community.code}001", name=f"{community.name}第1网格", parent=community
            )
            communities.append(community)
    return district, communities


def build_members(n, communities, rng):
    from django.contrib.auth.hashers import make_password
    from faker import Faker

    from shanzhi.accounts.models import User
    from shanzhi.volunteering.models import Account, Volunteer

    unusable = make_password(None)  # members here are data, not logins
    fake = Faker("zh_CN")
    fake.seed_instance(1)
    names = [fake.name() for _ in range(2000)]
    batch = 10_000
    for start in range(0, n, batch):
        users = [
            User(username=f"bench_{i}", display_name=names[i % len(names)], password=unusable)
            for i in range(start, min(n, start + batch))
        ]
        User.objects.bulk_create(users, batch_size=batch)
    users = list(
        User.objects.filter(username__startswith="bench_").order_by("id").values_list("id", "display_name")
    )
    for start in range(0, n, batch):
        Volunteer.objects.bulk_create(
            [
                Volunteer(user_id=uid, community=communities[i % len(communities)], name=name)
                for i, (uid, name) in enumerate(users[start : start + batch], start=start)
            ],
            batch_size=batch,
        )
    volunteers = list(Volunteer.objects.order_by("id").values_list("id", "community_id"))
    for start in range(0, n, batch):
        Account.objects.bulk_create(
            [Account(kind="person", volunteer_id=vid) for vid, _c in volunteers[start : start + batch]],
            batch_size=batch,
        )
    return volunteers


def plan_movements(n, volunteers, communities, rng):
    """Earnings (hours, deeds, donations) and redemptions over the last year, never overdrawing anyone."""
    from django.utils import timezone

    from shanzhi.volunteering.models import Account
    from shanzhi.volunteering.services import ledger

    # Every query happens here, before the rows are drawn: they are drawn while COPY holds the connection.
    issuance = {c.pk: ledger.system_account(Account.ISSUANCE, c.pk).pk for c in communities}
    shop = {c.pk: ledger.system_account(Account.SHOP, c.pk).pk for c in communities}
    accounts = dict(Account.objects.filter(kind="person").values_list("volunteer_id", "pk"))
    return _draw(n, volunteers, issuance, shop, accounts, timezone.now(), rng)


def _draw(n, volunteers, issuance, shop, accounts, now, rng):
    balance = {}
    kinds = ["earn_hours"] * 6 + ["earn_good_deed"] * 2 + ["earn_donation"]
    for i in range(n):
        vid, community_id = volunteers[rng.randrange(len(volunteers))]
        account = accounts[vid]
        at = now - datetime.timedelta(seconds=rng.randrange(365 * 24 * 3600))
        have = balance.get(account, 0)
        if have >= 40 and rng.random() < 0.2:
            amount = rng.randint(10, min(have, 150))
            balance[account] = have - amount
            yield (at, "redeem", account, shop[community_id], amount, "")
        else:
            amount = rng.randint(5, 40)
            balance[account] = have + amount
            kind = kinds[i % len(kinds)]
            yield (at, kind, issuance[community_id], account, amount, f"bench:{i}")


def _chained(rows, prev_hash):
    """Each row with its links (issue 12 §6: a bulk load chains like ``chain.append`` would)."""
    from shanzhi.core import chain

    for at, kind, debit, credit, amount, source in rows:
        fields = {
            "at": at, "kind": kind, "debit_id": debit, "credit_id": credit, "amount": amount,
            "reverses_id": None, "source": source, "expires_on": None, "memo": "", "created_by_id": None,
        }  # fmt: skip
        row_hash = chain.digest(fields, prev_hash)
        yield at, kind, debit, credit, amount, source, prev_hash, row_hash
        prev_hash = row_hash


def load_movements(connection, rows):
    from shanzhi.core import chain
    from shanzhi.volunteering.models import Movement

    columns = "(at, kind, debit_id, credit_id, amount, source, memo, prev_hash, hash)"
    rows = _chained(rows, chain.last_hash(Movement))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE volunteering_movement DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE volunteering_account DISABLE TRIGGER USER")
            with cursor.cursor.copy(f"COPY volunteering_movement {columns} FROM STDIN") as copy:
                for at, kind, debit, credit, amount, source, prev_hash, row_hash in rows:
                    copy.write_row((at, kind, debit, credit, amount, source, "", prev_hash, row_hash))
            cursor.execute("""
                UPDATE volunteering_account a SET balance = s.balance FROM (
                  SELECT id, COALESCE(c.s, 0) - COALESCE(d.s, 0) AS balance FROM volunteering_account
                  LEFT JOIN (SELECT credit_id, SUM(amount) s FROM volunteering_movement GROUP BY credit_id) c
                    ON c.credit_id = id
                  LEFT JOIN (SELECT debit_id, SUM(amount) s FROM volunteering_movement GROUP BY debit_id) d
                    ON d.debit_id = id) s
                WHERE a.id = s.id""")
            cursor.execute("ALTER TABLE volunteering_movement ENABLE TRIGGER USER")
            cursor.execute("ALTER TABLE volunteering_account ENABLE TRIGGER USER")
            cursor.execute("ANALYZE")
        return
    with connection.cursor() as cursor:  # SQLite: drop the triggers for the load, recreate them after
        from importlib import import_module

        migration = import_module("shanzhi.volunteering.migrations.0002_ledger_triggers")
        for sql in migration.SQLITE_DOWN:
            cursor.execute(sql)
        batch = []
        for at, kind, debit, credit, amount, source, prev_hash, row_hash in rows:
            naive = at.replace(tzinfo=None).isoformat(" ")
            batch.append((naive, kind, debit, credit, amount, source, "", prev_hash, row_hash))
            if len(batch) >= 50_000:
                cursor.executemany(
                    f"INSERT INTO volunteering_movement {columns} VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)", batch
                )
                batch = []
        if batch:
            cursor.executemany(
                f"INSERT INTO volunteering_movement {columns} VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)", batch
            )
        cursor.execute("""
            UPDATE volunteering_account SET balance =
              COALESCE((SELECT SUM(amount) FROM volunteering_movement WHERE credit_id = volunteering_account.id), 0)
            - COALESCE((SELECT SUM(amount) FROM volunteering_movement WHERE debit_id = volunteering_account.id), 0)""")
        for sql in migration.SQLITE_UP:
            cursor.execute(sql)
        cursor.execute("ANALYZE")


def verify(connection):
    """One query: accounts whose balance is not their movements' sum, persons below zero, total."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT COUNT(*) FILTER (WHERE a.balance <> COALESCE(c.s, 0) - COALESCE(d.s, 0)),
                   COUNT(*) FILTER (WHERE a.kind = 'person' AND a.balance < 0), SUM(a.balance)
            FROM volunteering_account a
            LEFT JOIN (SELECT credit_id, SUM(amount) s FROM volunteering_movement GROUP BY credit_id) c
              ON c.credit_id = a.id
            LEFT JOIN (SELECT debit_id, SUM(amount) s FROM volunteering_movement GROUP BY debit_id) d
              ON d.debit_id = a.id""")
        wrong, negative, total = cursor.fetchone()
    print(f"  invariant: {wrong} wrong balances, {negative} negative persons, sum of all balances {total}")
    assert wrong == 0 and negative == 0 and total == 0


def build_tallies(connection):
    """The rankings rollup from the movements (what the services maintain one posting at a time)."""
    trunc = {"M": "month", "Q": "quarter", "Y": "year"}
    with connection.cursor() as cursor:
        for grain, unit in trunc.items():
            if connection.vendor == "postgresql":
                period = f"date_trunc('{unit}', m.at AT TIME ZONE 'Asia/Shanghai')::date"
            else:
                period = {
                    "M": "date(m.at, '+8 hours', 'start of month')",
                    "Q": "date(m.at, '+8 hours', 'start of month', "
                    "'-' || ((cast(strftime('%m', m.at, '+8 hours') as integer) - 1) % 3) || ' months')",
                    "Y": "date(m.at, '+8 hours', 'start of year')",
                }[grain]
            cursor.execute(f"""
                INSERT INTO volunteering_pointstally (volunteer_id, grain, period_start, community_id, street_id,
                                                      points, minutes)
                SELECT a.volunteer_id, '{grain}', {period}, v.community_id, n.parent_id, SUM(m.amount), 0
                FROM volunteering_movement m JOIN volunteering_account a ON a.id = m.credit_id
                JOIN volunteering_volunteer v ON v.id = a.volunteer_id
                JOIN registry_orgnode n ON n.id = v.community_id
                WHERE m.kind IN ('earn_hours', 'earn_good_deed', 'earn_donation')
                GROUP BY a.volunteer_id, {period}, v.community_id, n.parent_id""")  # noqa: S608 (fixed SQL)
        cursor.execute("ANALYZE")


def write_path(volunteers, n, rng):
    """Postings through the service with every trigger on: the real cost of one earning."""
    from shanzhi.volunteering.models import Movement, Volunteer
    from shanzhi.volunteering.services import ledger

    people = list(
        Volunteer.objects.filter(pk__in=[v for v, _c in rng.sample(volunteers, 200)]).select_related(
            "community"
        )
    )
    t = time.perf_counter()
    for i in range(n):
        ledger.earn(people[i % len(people)], Movement.Kind.EARN_GOOD_DEED, 5, source=f"bench-live:{i}")
    seconds = time.perf_counter() - t
    print(f"  ledger.earn with triggers on: {n} postings in {seconds:.1f} s = {n / seconds:.0f} postings/s")


def percentile(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def time_page(client, url, n):
    client.get(url)  # warm the connection and the template cache
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples), percentile(samples, 0.95)


def page_cases(communities):
    """(label, user, url) of every timed page: a busy person's balance, rankings for staff and for a volunteer."""
    from shanzhi.accounts import services as accounts
    from shanzhi.volunteering.demo import actor
    from shanzhi.volunteering.models import Movement, Volunteer

    community = communities[0]
    staff = actor("bench_staff", "基准社区", "community_staff", node=community)
    street_staff = actor("bench_street", "基准街道", "street_staff", node=community.parent)
    busiest = Volunteer.objects.filter(community=community).order_by("id").first()
    if "volunteer" not in busiest.user.roles():
        accounts.grant_role(busiest.user, "volunteer", node=community)
    n_movements = Movement.objects.filter(credit__volunteer=busiest).count()
    person = busiest.user
    year = datetime.date.today().isoformat()
    return [
        (f"balance page (/v/me/, {n_movements} movements of this person)", person, "/v/me/"),
        ("balance API (/api/v1/volunteering/me)", person, "/api/v1/volunteering/me"),
        ("ranking page, community, month", staff, f"/v/rankings/?node={community.pk}&grain=M&day={year}"),
        ("ranking page, community, year", staff, f"/v/rankings/?node={community.pk}&grain=Y&day={year}"),
        (
            "ranking page, street, quarter",
            street_staff,
            f"/v/rankings/?node={community.parent_id}&grain=Q&day={year}",
        ),
        (
            "ranking page, street, year",
            street_staff,
            f"/v/rankings/?node={community.parent_id}&grain=Y&day={year}",
        ),
        (
            "ranking page as a volunteer (names masked), year",
            person,
            f"/v/rankings/?node={community.pk}&grain=Y&day={year}",
        ),
    ]


def signed_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def time_pages(cases, requests):
    rows = []
    clients = {}
    for label, user, url in cases:
        client = clients.setdefault(user.pk, signed_in(user))
        median, p95 = time_page(client, url, requests)
        rows.append((label, median, p95))
        print(f"  {label}: median {median:.1f} ms, p95 {p95:.1f} ms", flush=True)
    return rows


# --- over HTTP, through gunicorn ------------------------------------------------------------------


def http_app():
    """The WSGI application gunicorn serves here: the project's settings with DEBUG off, except for
    the static storage. The manifest storage needs a collectstatic that currently fails on a vendored
    source map, and these pages' timings do not depend on how static URLs are spelled."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    sys.path.insert(0, str(ROOT))
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def start_gunicorn(workers, port):
    env = dict(os.environ, SHANZHI_DEBUG="0")
    log = open(BENCH_DIR / "gunicorn.log", "w")
    server = subprocess.Popen(  # noqa: S603 (fixed argument list)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--pythonpath",
            str(ROOT / "bench"),
            "ledger:http_app()",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if http_get(port, "/healthz", "")[0] == 200:
                return server, log
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"gunicorn did not answer on port {port}; see {BENCH_DIR / 'gunicorn.log'}")


def http_get(port, url, cookie):
    """One request on a fresh connection: (status, milliseconds until the body is read)."""
    t = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    return response.status, (time.perf_counter() - t) * 1000


def http_burst(port, url, cookie, n, clients):
    """``n`` requests spread over ``clients`` threads at once: (median, p95, requests per second)."""
    samples, errors = [], []
    lock = threading.Lock()

    def worker(count):
        for _ in range(count):
            status, ms = http_get(port, url, cookie)
            with lock:
                (samples if status == 200 else errors).append(ms if status == 200 else status)

    threads = [threading.Thread(target=worker, args=(n // clients,)) for _ in range(clients)]
    t = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - t
    assert not errors, (url, errors[:5])
    return statistics.median(samples), percentile(samples, 0.95), len(samples) / seconds


def time_pages_http(cases, requests, workers, port):
    from django.conf import settings

    cookies = {}
    for _label, user, _url in cases:
        if user.pk not in cookies:
            session = signed_in(user).cookies[settings.SESSION_COOKIE_NAME].value
            cookies[user.pk] = f"{settings.SESSION_COOKIE_NAME}={session}"
    server, log = start_gunicorn(workers, port)
    rows = []
    try:
        for label, user, url in cases:
            cookie = cookies[user.pk]
            http_get(port, url, cookie)  # warm each worker's connection a little
            one = http_burst(port, url, cookie, requests, 1)
            many = http_burst(port, url, cookie, requests, workers)
            rows.append((label, one, many))
            print(
                f"  {label}: one at a time median {one[0]:.1f} ms, p95 {one[1]:.1f} ms; "
                f"{workers} at once median {many[0]:.1f} ms, p95 {many[1]:.1f} ms, {many[2]:.0f} req/s",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return rows


def load_average():
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def build(args, connection, rng):
    from shanzhi.volunteering.models import Movement, PointsTally

    with timed("org tree (4 streets × 5 communities)"):
        _district, communities = build_tree()
    with timed(f"{args.members:,} members (users, volunteer profiles, accounts)"):
        volunteers = build_members(args.members, communities, rng)
    with timed(f"{args.movements:,} movements (bulk load, then balances from movements)"):
        load_movements(connection, plan_movements(args.movements, volunteers, communities, rng))
    with timed("invariant check over every account"):
        verify(connection)
    with timed("rankings rollup (month/quarter/year) from the movements"):
        build_tallies(connection)
    print(f"  movements: {Movement.objects.count():,}; tally rows: {PointsTally.objects.count():,}")
    write_path(volunteers, args.postings, rng)
    with timed("invariant check after the live postings"):
        verify(connection)
    return communities


def main():
    args = parse_args()
    connection = setup_django(args)
    rng = random.Random(args.seed)
    from shanzhi.registry.models import OrgNode
    from shanzhi.volunteering.models import Movement, PointsTally

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if args.reuse and Movement.objects.exists():
        communities = list(
            OrgNode.objects.filter(level="community", code__startswith=COUNTY).order_by("code")
        )
        print(
            f"  reusing: {Movement.objects.count():,} movements, {PointsTally.objects.count():,} tally rows"
        )
    else:
        communities = build(args, connection, rng)
    cases = page_cases(communities)
    print(f"timing pages, {args.requests} requests each (Django test client, in process); {load_average()}")
    time_pages(cases, args.requests)
    if args.http_workers:
        print(
            f"timing pages over HTTP: gunicorn, {args.http_workers} sync workers, port {args.port}, "
            f"{args.requests} requests each; {load_average()}"
        )
        time_pages_http(cases, args.requests, args.http_workers, args.port)
        print(f"  after: {load_average()}")


if __name__ == "__main__":
    main()
