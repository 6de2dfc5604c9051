"""Open311 and API intake and reads against a bare Django ceiling (issue 11), not a test.

    .venv/bin/python bench/open311.py                       # 100,000 appeals, 16 clients, 15 s a phase
    .venv/bin/python bench/open311.py --preload 20000 --seconds 5 --clients 8   # a quick run
    .venv/bin/python bench/open311.py --counts-only        # statements per request, no servers

Two throw-away databases on the PostgreSQL server of ``--pg`` (created here and dropped at the
end, ``--keep`` keeps them): one for Shanzhi (migrated, ``seed_demo --scale medium`` with few
households, then N appeals COPYed in by ``bench/appeals/load.py``: bulk rows, not services) and
one for the ceiling app in ``bench/ceiling`` (N rows by one INSERT … SELECT generate_series).
Both servers run at once (gunicorn, ``--workers`` sync workers, DEBUG off, loopback only; an idle
sync worker costs no CPU) and the phases take turns: each phase's ``--seconds`` are cut into
``--rounds`` slices, and the ceiling's and Shanzhi's phases of a kind (the POSTs, the lists, one
request) run one slice each in turn, so that load from others on a shared machine, and its drift
over the minutes, weighs on both alike. The clients are separate processes (no shared GIL with each
other), each sending one request at a time. The table gives req/s, p50, p95, errors and the ratio to the
ceiling's matching phase, with the load average at the end of each phase.
The statement counts are taken in this process with Django's test client against the same
database, each request taking its connection as a server's does (``statement_counts``).
"""

import argparse
import datetime as dt
import http.client
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.common import PSQL, load_avg  # noqa: E402

PROJECT_DB, CEILING_DB = "bench_o311_shanzhi", "bench_o311_ceiling"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL, no database")
    p.add_argument("--preload", type=int, default=100_000, help="appeals (and ceiling rows) loaded first")
    p.add_argument("--seconds", type=float, default=15, help="length of each phase")
    p.add_argument("--rounds", type=int, default=3, help="slices of each phase, taking turns with the others")
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--workers", type=int, default=2, help="gunicorn sync workers, both servers")
    p.add_argument("--port", type=int, default=8791)
    p.add_argument("--keep", action="store_true", help="keep both databases (and reuse them next time)")
    p.add_argument("--counts-only", action="store_true", help="statement counts only, no servers")
    p.add_argument("--tag", default="", help="suffix of the two databases' names (several benches at once)")
    args = p.parse_args()
    global PROJECT_DB, CEILING_DB
    if args.tag:
        PROJECT_DB, CEILING_DB = f"{PROJECT_DB}_{args.tag}", f"{CEILING_DB}_{args.tag}"
    return args


def psql(sql, db="postgres"):
    return common.psql(ARGS.pg, sql, db)


def database_exists(name):
    out = subprocess.run(  # noqa: S603
        [PSQL, "-tA", f"{ARGS.pg}/postgres", "-c", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip() == "1"


# --- the two databases ---------------------------------------------------------------------------


def prepare_project(n):
    """Migrate, seed a district, COPY n appeals; returns what the clients need."""
    import django

    fresh = not database_exists(PROJECT_DB)
    if fresh:
        psql(f"CREATE DATABASE {PROJECT_DB}")
    os.environ["DATABASE_URL"] = f"{ARGS.pg}/{PROJECT_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanzhi.settings")
    os.environ["SHANZHI_DEBUG"] = "0"
    django.setup()
    from django.core.management import call_command

    from shanzhi.appeals.models import Appeal
    from shanzhi.project.demo import seed_demo
    from shanzhi.registry.models import OrgNode

    call_command("migrate", verbosity=0)
    if not OrgNode.objects.exists():
        t = time.perf_counter()
        seed_demo(scale="medium", seed=1, households_per_grid=4, say=lambda *_a: None)
        print(f"  seed_demo --scale medium: {time.perf_counter() - t:.0f} s", flush=True)
    have = Appeal.objects.count()
    if not fresh:
        # An earlier run's intakes left their task rows and rollup marks, which a task worker
        # would have taken in production (none runs here): gone, so that every run starts alike.
        psql(
            "DELETE FROM django_tasks_database_dbtaskresult; DELETE FROM appeals_appealrollupmark", PROJECT_DB
        )
        psql("VACUUM ANALYZE", PROJECT_DB)
    if have < n:
        from bench.appeals import load as loader

        t = time.perf_counter()
        loader.load(n - have, 0.1, have + 1, say=lambda *_a: None)
        print(f"  {n - have:,} appeals COPYed in {time.perf_counter() - t:.0f} s", flush=True)
    return credentials()


def credentials():
    import io

    from django.core.management import call_command

    from bench.appeals.load import World
    from shanzhi.accounts.models import RoleGrant, User
    from shanzhi.appeals.models import Appeal, Category
    from shanzhi.registry.models import OrgNode

    def command(*args):
        out = io.StringIO()
        call_command(*args, stdout=out)
        return out.getvalue().strip().splitlines()[-1].strip()

    staff = User.objects.get(username="zhangshequ")
    community = (
        RoleGrant.objects.filter(user=staff, node__level="community").values_list("node", flat=True).first()
    )
    world = World()
    points = [world.point(g, random.Random(i)) for i, g in enumerate(world.grids) for _ in range(3)]
    mine = set(OrgNode.objects.filter(parent_id=community, level="grid").values_list("pk", flat=True))
    points_mine = [world.point(g, random.Random(i)) for i, g in enumerate(world.grids) if g[0] in mine]
    codes = list(Category.objects.filter(active=True, parent__isnull=False).values_list("code", flat=True))
    numbers = list(Appeal.objects.order_by("?").values_list("number", flat=True)[:2000])
    # A window that holds exactly 100 appeals, 30 days back: the "list of about 100" phase.
    latest = Appeal.objects.order_by("-created_at").values_list("created_at", flat=True)[0]
    older = Appeal.objects.filter(created_at__lt=latest - dt.timedelta(days=30)).order_by("-created_at")
    end, start = older[0].created_at, older[99].created_at
    window = urllib.parse.urlencode({"start_date": start.isoformat(), "end_date": end.isoformat()})
    return {
        "api_key": command("issue_open311_key", f"bench{uuid.uuid4().hex[:6]}"),
        "token": command("issue_api_token", "zhangshequ", "--name", "bench"),
        "codes": codes,
        "points": points,
        "points_mine": points_mine,
        "numbers": numbers,
        "window": window,
    }


def prepare_ceiling(n):
    if not database_exists(CEILING_DB):
        psql(f"CREATE DATABASE {CEILING_DB}")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.ceiling.settings",
        CEILING_DATABASE_URL=f"{ARGS.pg}/{CEILING_DB}",
    )
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    psql(
        "INSERT INTO ceiling_item (number, service_code, description, lat, lng, status, created_at) "
        "SELECT 'P' || g, 'road', '居民反映：路灯不亮，请尽快处理。基准数据 ' || g, 31.2 + random() / 100, "
        f"121.4 + random() / 100, 'open', now() - random() * interval '365 days' "
        f"FROM generate_series((SELECT count(*) + 1 FROM ceiling_item), {n}) g; ANALYZE ceiling_item",
        CEILING_DB,
    )
    return env


# --- servers and clients -------------------------------------------------------------------------


class Server:
    def __init__(self, app, env, port):
        self.app, self.env, self.port = app, env, port

    def __enter__(self):
        log = ROOT / "var" / f"bench-open311-{self.app.split('.')[0]}.log"
        log.parent.mkdir(exist_ok=True)
        self.log = open(log, "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv/bin/gunicorn"), self.app, "--bind", f"127.0.0.1:{self.port}"]
            + ["--workers", str(ARGS.workers), "--log-level", "warning", "--timeout", "60"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/")
                conn.getresponse().read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"gunicorn exited; see {log}") from None
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer; see {log}")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, 15)  # the master and its workers: the group this bench started
        self.process.wait(timeout=30)
        self.log.close()


def make_request(kind, spec, rng):
    """(method, path, body, headers, expected status) for one request of a phase."""
    if kind in ("o311_post", "ceiling_post"):
        lng, lat = rng.choice(spec["points"])
        form = {
            "api_key": spec.get("api_key", ""),
            "service_code": rng.choice(spec["codes"]),
            "lat": f"{lat:.6f}",
            "long": f"{lng:.6f}",
            "description": f"基准测试：Open311 上报的问题 {rng.random():.6f}，井盖松动。",
            "first_name": "测试",
        }
        path = "/open311/v2/requests.json" if kind == "o311_post" else "/post"
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": uuid.uuid4().hex}
        return "POST", path, urllib.parse.urlencode(form), headers, 201
    if kind == "api_post":
        lng, lat = rng.choice(spec["points_mine"])
        body = {
            "channel": "on_behalf",
            "title": "基准测试代为登记",
            "category": rng.choice(spec["codes"]),
            "description": "居民来电反映楼道灯不亮。",
            "lng": lng,
            "lat": lat,
        }
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {spec['token']}",
            "Idempotency-Key": uuid.uuid4().hex,
        }
        return "POST", "/api/v1/appeals/", json.dumps(body).encode(), headers, 201
    return "GET", rng.choice(spec["paths"]), None, {}, 200


def client(job):
    port, kind, spec, until, seed = job
    rng = random.Random(seed)
    latencies, errors, first = [], 0, ""
    while time.monotonic() < until:
        method, path, body, headers, expect = make_request(kind, spec, rng)
        t = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            status, payload = response.status, response.read()
            conn.close()
        except OSError as exc:
            status, payload = None, repr(exc).encode()
        latencies.append((time.perf_counter() - t) * 1000)
        if status != expect:
            errors += 1
            first = first or f"{method} {path}: HTTP {status}: {payload[:300].decode(errors='replace')}"
    return latencies, errors, first


def phase(port, kind, spec, seconds):
    """One slice of a phase: ``ARGS.clients`` clients for ``seconds`` after a one-second warm-up;
    (latencies, errors, seconds measured)."""
    pool_ctx = multiprocessing.get_context("fork")
    warm_until = time.monotonic() + 1
    with pool_ctx.Pool(ARGS.clients) as pool:
        pool.map(client, [(port, kind, spec, warm_until, i) for i in range(ARGS.workers * 2)])
        until = time.monotonic() + seconds
        started = time.monotonic()
        results = pool.map(client, [(port, kind, spec, until, 1000 + i) for i in range(ARGS.clients)])
        seconds = time.monotonic() - started
    first = next((r[2] for r in results if r[2]), "")
    if first:
        print(f"    first error: {first}", flush=True)
    return [x for r in results for x in r[0]], sum(r[1] for r in results), seconds


def summary(slices):
    """A phase's figures over its slices (``phase``'s results)."""
    latencies = sorted(x for s in slices for x in s[0])
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else float("nan")
    return {
        "rps": len(latencies) / sum(s[2] for s in slices),
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": p95,
        "errors": sum(s[1] for s in slices),
        "load": load_avg(),
    }


# --- statement counts ----------------------------------------------------------------------------


def statement_counts(spec):
    """Statements each request sends, as a server's process sends them: the requests through the
    test client, each taking its connection as a request does (with the pool, its check, which
    reads the reference versions and brings the API's account with it, is one round trip before
    these and is not a statement Django sees). Counted by an execute wrapper: Django's query
    capture takes the connection before the request, so that nothing would ride on the check."""
    from django.db import connection
    from django.test import Client

    rng = random.Random(7)
    c = Client()

    def poster(kind):
        method, path, body, headers, expect = make_request(kind, spec, rng)
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k != "Content-Type"}
        return lambda: c.post(path, body, headers["Content-Type"], **extra)

    number = spec["numbers"][0]
    cases = [
        ("Open311 POST", lambda: poster("o311_post")()),  # a fresh idempotency key each time
        ("JSON API POST", lambda: poster("api_post")()),
        ("Open311 GET list-100", lambda: c.get(f"/open311/v2/requests.json?{spec['window']}")),
        ("Open311 GET list-default", lambda: c.get("/open311/v2/requests.json")),
        ("Open311 GET one", lambda: c.get(f"/open311/v2/requests/{number}.json")),
    ]
    sent = []

    def count(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    rows = []
    for label, call in cases:
        call()  # warm: per-process caches, as a running server has them (twice: the first may
        call()  # have cached under versions read before this process's own writes)
        connection.close()  # back to the pool, if any: the request takes it as a server's does
        sent.clear()
        with connection.execute_wrapper(count):
            response = call()
        rows.append((label, response.status_code, len(sent)))
    pooled = bool(connection.settings_dict["OPTIONS"].get("pool"))
    print(
        "\nStatements per request (Django test client, warm process, PostgreSQL"
        + (", pooled: the pool's check is one more round trip):" if pooled else "):")
    )
    for label, status, n in rows:
        print(f"  {label:<26} HTTP {status}  {n:>3} statements")
    return rows


# --- main ----------------------------------------------------------------------------------------


def table(results):
    ceiling_of = {
        "Open311 POST": "ceiling POST",
        "JSON API POST": "ceiling POST",
        "Open311 GET list-100": "ceiling list-100",
        "Open311 GET one": "ceiling get-one",
    }
    print(
        "\n| phase | req/s | p50 ms | p95 ms | errors | / ceiling | load avg |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
    )
    for label, r in results.items():
        base = results.get(ceiling_of.get(label, ""))
        ratio = f"{r['rps'] / base['rps']:.2f}" if base else "—"
        print(
            f"| {label} | {r['rps']:,.1f} | {r['p50']:.0f} | {r['p95']:.0f} | {r['errors']} | {ratio} "
            f"| {r['load']} |"
        )


def main():
    started = time.perf_counter()
    print(
        f"bench/open311: {os.cpu_count()} cores, load {load_avg()}, {ARGS.preload:,} appeals, "
        f"{ARGS.clients} clients, {ARGS.seconds:g} s a phase, {ARGS.workers} sync workers",
        flush=True,
    )
    try:
        spec = prepare_project(ARGS.preload)
        statement_counts(spec)
        if ARGS.counts_only:
            return
        from django.db import connections

        connections.close_all()  # the clients fork from here
        results = {}
        ceiling_env = prepare_ceiling(ARGS.preload)
        ceiling = {"codes": ["road", "light"], "points": spec["points"]}
        ids = [random.Random(i).randint(1, ARGS.preload) for i in range(2000)]
        env = dict(
            os.environ,
            SHANZHI_DEBUG="0",
            SHANZHI_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SETTINGS_MODULE="shanzhi.settings",
        )
        port = {"ceiling": ARGS.port, "shanzhi": ARGS.port + 1}
        phases = (
            ("ceiling POST", "ceiling", "ceiling_post", ceiling, {}),
            ("Open311 POST", "shanzhi", "o311_post", spec, {}),
            ("JSON API POST", "shanzhi", "api_post", spec, {}),
            ("ceiling list-100", "ceiling", "get", ceiling, {"paths": ["/list"]}),
            (
                "Open311 GET list-100",
                "shanzhi",
                "get",
                spec,
                {"paths": [f"/open311/v2/requests.json?{spec['window']}"]},
            ),
            ("Open311 GET list-default", "shanzhi", "get", spec, {"paths": ["/open311/v2/requests.json"]}),
            ("ceiling get-one", "ceiling", "get", ceiling, {"paths": [f"/one/{i}" for i in ids]}),
            (
                "Open311 GET one",
                "shanzhi",
                "get",
                spec,
                {"paths": [f"/open311/v2/requests/{n}.json" for n in spec["numbers"]]},
            ),
        )
        with (
            Server("bench.ceiling.wsgi:application", ceiling_env, port["ceiling"]),
            Server("shanzhi.wsgi:application", env, port["shanzhi"]),
        ):
            # Each group's phases take turns in ``--rounds`` slices of their time, so that what else
            # the machine does weighs on a phase and on the ceiling it is compared with alike.
            for group in (phases[:3], phases[3:6], phases[6:]):
                slices = {label: [] for label, *_ in group}
                for _round in range(ARGS.rounds):
                    for label, server, kind, base, extra in group:
                        slices[label].append(
                            phase(port[server], kind, {**base, **extra}, ARGS.seconds / ARGS.rounds)
                        )
                for label, *_ in group:
                    results[label] = summary(slices[label])
                    print(f"  {label}: {results[label]['rps']:,.1f} req/s", flush=True)
        table(results)
    finally:
        from django.db import connections

        connections.close_all()
        if not ARGS.keep:
            for name in (PROJECT_DB, CEILING_DB):
                psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        print(f"\n(bench took {time.perf_counter() - started:.0f} s; load {load_avg()})")


if __name__ == "__main__":
    ARGS = parse_args()
    main()
